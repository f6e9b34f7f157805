// The effective settings for one file: the base set (`extends`), then `rules`, then each matching
// override in order, so for every setting the last match wins.
import { KvlintError } from '../errors.js';
import type { Severity } from '../model.js';
import { compileGlobs, type GlobMatcher } from './glob.js';
import { suggest } from './suggest.js';
import type { KvlintConfig, RuleEntry, RuleSeverity } from './types.js';

/** What the resolver needs to know about each registered rule. */
export interface RuleInfo {
  id: string;
  code: string;
  severity: Severity;
  recommended: boolean;
}

/** A rule's effective setting; `options` only when the config gave some (defaults are the rule's own). */
export interface RuleSetting {
  severity: RuleSeverity;
  options?: Record<string, unknown>;
}

/** The effective config for one file. */
export interface ResolvedConfig {
  /** every registered rule, keyed by id */
  settings: Map<string, RuleSetting>;
  provider?: string;
  model?: string;
}

/** Looks a rule up by id, or by code in any case (`KV101`, `kv101`). */
function ruleIndex(rules: readonly RuleInfo[]): (name: string) => RuleInfo | undefined {
  const byName = new Map<string, RuleInfo>();
  for (const r of rules) {
    byName.set(r.id, r);
    byName.set(r.code.toUpperCase(), r);
  }
  return (name) => byName.get(name) ?? (/^kv\d+$/i.test(name) ? byName.get(name.toUpperCase()) : undefined);
}

function allEntries(config: KvlintConfig): RuleEntry[] {
  return [...config.rules, ...config.overrides.flatMap((o) => o.rules)];
}

function unknownRule(config: KvlintConfig, entry: RuleEntry, rules: readonly RuleInfo[]): KvlintError {
  const guess = suggest(entry.name, /^kv/i.test(entry.name) ? rules.map((r) => r.code) : rules.map((r) => r.id));
  return new KvlintError('KVE203', `${config.file}:${entry.line}: ${entry.key}: unknown rule${guess ? `; did you mean '${guess}'?` : ''}`, {
    file: config.file,
    line: entry.line,
    hint: 'run `kvlint rules` to list the rule ids and codes',
  });
}

/**
 * Checks every rule named in the config (top level and overrides) against the registry, up front, so a
 * typo stops the run before any file is read. Unknown names are KVE203; naming one rule twice in the same
 * `rules` mapping (by id and by code) is KVE201. Both name the file and line.
 */
export function validateRuleNames(config: KvlintConfig, rules: readonly RuleInfo[]): void {
  const lookup = ruleIndex(rules);
  for (const entry of allEntries(config)) if (!lookup(entry.name)) throw unknownRule(config, entry, rules);
  for (const list of [config.rules, ...config.overrides.map((o) => o.rules)]) {
    const seen = new Map<string, RuleEntry>();
    for (const entry of list) {
      const id = (lookup(entry.name) as RuleInfo).id;
      const first = seen.get(id);
      if (first) {
        throw new KvlintError('KVE201', `${config.file}:${entry.line}: ${entry.key}: same rule as ${first.key} (line ${first.line})`, {
          file: config.file,
          line: entry.line,
          hint: 'keep one of the two entries',
        });
      }
      seen.set(id, entry);
    }
  }
}

// Compiled override globs, per config object: resolveForFile runs once per input file.
const matcherCache = new WeakMap<KvlintConfig, GlobMatcher[]>();

function overrideMatchers(config: KvlintConfig): GlobMatcher[] {
  let m = matcherCache.get(config);
  if (!m) {
    m = config.overrides.map((o) => compileGlobs(o.files));
    matcherCache.set(config, m);
  }
  return m;
}

function apply(settings: Map<string, RuleSetting>, entries: readonly RuleEntry[], lookup: (name: string) => RuleInfo | undefined, config: KvlintConfig, rules: readonly RuleInfo[]): void {
  for (const entry of entries) {
    const rule = lookup(entry.name);
    if (!rule) throw unknownRule(config, entry, rules);
    const prev = settings.get(rule.id);
    // As in ESLint: a bare severity keeps options set earlier; `[severity, {options}]` replaces them.
    const next: RuleSetting = { severity: entry.severity };
    const options = entry.options ?? prev?.options;
    if (options !== undefined) next.options = options;
    settings.set(rule.id, next);
  }
}

/**
 * The settings for the file at `relPath` (relative to the config file's directory, POSIX separators).
 * Without a config every recommended rule runs at its default severity. `extends: all` turns every rule
 * on; then `rules`, then each override whose `files` match, in order. Rule keys may be ids or codes.
 * Throws KVE203 for an unknown rule name (call validateRuleNames first to fail before any work).
 */
export function resolveForFile(config: KvlintConfig | undefined, relPath: string, rules: readonly RuleInfo[]): ResolvedConfig {
  const settings = new Map<string, RuleSetting>();
  const all = config?.extends === 'all';
  for (const r of rules) settings.set(r.id, { severity: all || r.recommended ? r.severity : 'off' });
  const resolved: ResolvedConfig = { settings };
  if (!config) return resolved;
  const lookup = ruleIndex(rules);
  apply(settings, config.rules, lookup, config, rules);
  if (config.provider !== undefined) resolved.provider = config.provider;
  if (config.model !== undefined) resolved.model = config.model;
  const matchers = overrideMatchers(config);
  config.overrides.forEach((o, i) => {
    if (!matchers[i]?.(relPath)) return;
    apply(settings, o.rules, lookup, config, rules);
    if (o.provider !== undefined) resolved.provider = o.provider;
    if (o.model !== undefined) resolved.model = o.model;
  });
  return resolved;
}
