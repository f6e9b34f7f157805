// The shape of a loaded kvlint config. Every user-named entry keeps the line it came from, so errors
// found later (an unknown rule name) still point at the file and line.
import type { Severity } from '../model.js';
import type { Assertion } from '../project/assertions.js';

/** A rule's severity as configured: one of the diagnostic severities, or off. */
export type RuleSeverity = Severity | 'off';

/** The words a config may use for a severity; `warn` is an alias of `warning`. */
export const SEVERITY_WORDS: Readonly<Record<string, RuleSeverity>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, RuleSeverity>, {
    off: 'off',
    info: 'info',
    warn: 'warning',
    warning: 'warning',
    error: 'error',
  }),
);

/** One `rules:` entry as written. */
export interface RuleEntry {
  /** the key as written: a rule id (`no-timestamp-in-prefix`) or code (`KV101`) */
  name: string;
  severity: RuleSeverity;
  /** options given as `[severity, {options}]`; a null-prototype object */
  options?: Record<string, unknown>;
  /** where it was written, for messages: `rules.KV101`, `overrides[0].rules.KV101` */
  key: string;
  /** 1-based line of the key in the config file */
  line: number;
}

/** One `overrides:` item: settings for files matching `files`. */
export interface ConfigOverride {
  /** globs over paths relative to the config file's directory; a leading `!` excludes */
  files: string[];
  rules: RuleEntry[];
  provider?: string;
  model?: string;
  line: number;
}

/** `limits:`: resource limits that keep a hostile or huge input from exhausting the machine. */
export interface ConfigLimits {
  /** largest template or tool file read whole, in bytes */
  maxFileSize?: number;
}

/** A validated config file. */
export interface KvlintConfig {
  /** the config file's path, as given to loadConfig */
  file: string;
  /** `recommended` (default) turns on the recommended rules; `all` turns on every rule */
  extends: 'recommended' | 'all';
  provider?: string;
  model?: string;
  /** globs of inputs to skip, relative to the config file's directory */
  ignores: string[];
  rules: RuleEntry[];
  /** applied in order; for each setting the last matching override wins */
  overrides: ConfigOverride[];
  /** price overrides, free-form here (validated by the pricing module); a null-prototype object */
  prices?: Record<string, unknown>;
  limits: ConfigLimits;
  /** `assert:`: thresholds on the cache metrics, as --assert takes them */
  assert?: Assertion[];
}
