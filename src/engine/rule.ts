// Types shared by the rule engine and the checks: a rule's YAML shape, a check's definition and option
// spec, what a check may report, and the per-rule settings a config resolves to.
import type { Category, Fix, Level, PromptDoc, Severity } from '../model.js';
import type { Tokenizer } from '../tokenize/index.js';
import type { PromptLayout } from './layout.js';

/** What a check receives: one template or tool file, or (emitted elsewhere) a log session. */
export type RuleScope = 'template' | 'session';

/** Where a rule looks: prompt levels, or `prefix` (every segment inside the cacheable region). */
export type RuleWhere = Level | 'prefix';

export type Fixable = 'none' | 'safe' | 'unsafe';

/** A docs example: a small file the tester parses with the format its name implies. */
export interface RuleExample {
  file: string;
  text: string;
}

export interface RuleDocs {
  /** one imperative line */
  summary: string;
  why: string;
  bad: RuleExample;
  good: RuleExample;
  /** which providers or engines the rule matters for, when not all */
  targets?: string;
}

/** A rule file as written in `rules/<id>.yaml`, after validation. */
export interface RuleDefinition {
  id: string;
  code: string;
  category: Category;
  severity: Severity;
  recommended: boolean;
  since: string;
  scope: RuleScope;
  where: RuleWhere[];
  check: string;
  with: Record<string, unknown>;
  /** findings after the cacheable region, or with nothing cacheable after them, are dropped (default true) */
  positional: boolean;
  /**
   * Rules (ids or codes) that describe the same place more specifically: when one of them reports the same
   * range, this rule's finding is folded into theirs (named in their message) instead of reported twice.
   */
  defersTo: string[];
  /**
   * the divergence cause this rule names when two logged requests that share a prefix differ (a pair):
   * set for every rule that reports log breaks, read by the one pair pass (src/engine/pair.ts)
   */
  cause?: string;
  messages: Record<string, string>;
  /**
   * The most severe level a messageId may take, whatever the rule's severity: a suspicion (a literal that
   * may have been rendered per request) is a warning at most; a certain break keeps the rule's severity.
   */
  maxSeverity: Record<string, Severity>;
  fixable: Fixable;
  /** what `--fix` does for this rule's findings; present exactly when fixable is not none */
  fix?: string;
  docs: RuleDocs;
}

/** A validated rule joined to its check, with the file it came from. */
export interface LoadedRule extends RuleDefinition {
  /** absolute path of the YAML file */
  file: string;
  /** the check implementation named by `check` */
  impl: Check;
  /** `with` merged over the check's defaults */
  options: Record<string, unknown>;
}

/** Per-rule settings a config resolves to; rules absent from the map run with their YAML defaults. */
export type RuleSettings = Map<string, { severity: Severity | 'off'; options?: Record<string, unknown> }>;

// ---- checks ----

export type OptionType = 'boolean' | 'number' | 'string' | 'strings' | 'regexes';

type ValueOf<T extends OptionType> = T extends 'boolean'
  ? boolean
  : T extends 'number'
    ? number
    : T extends 'string'
      ? string
      : string[];

/** One option a check accepts: its type, default and a one-line doc (shown by `kvlint explain`). */
export interface OptionSpec<T extends OptionType = OptionType> {
  type: T;
  default: ValueOf<T>;
  doc: string;
  /** allowed values of a `string` option */
  enum?: readonly string[];
  /** smallest allowed value of a `number` option */
  min?: number;
}

export type OptionsOf<S extends Record<string, OptionSpec>> = { [K in keyof S]: ValueOf<S[K]['type']> };

/** Where a finding sits: offsets in a segment's text, or the file as a whole (optionally a source range). */
export type ReportAt =
  | { segment: number; start: number; end: number }
  | { file: true; start?: number; end?: number };

export interface CheckReport {
  messageId: string;
  /** values for the message's `{{placeholders}}`; strings are redacted before they are printed */
  data?: Record<string, string | number>;
  at: ReportAt;
  /** exact edits in SourceFile.text offsets */
  fix?: Fix[];
  /** the text to show as evidence (redacted and shortened by the engine); defaults to the reported range */
  evidence?: string;
  /** `--fix` repairs this finding by rewriting the file as a whole (a JSON tool-file sort), not with `fix` edits */
  structuralFix?: boolean;
}

/** What a template check receives. */
export interface TemplateSubject {
  doc: PromptDoc;
  /** indices into doc.segments chosen by the rule's `where`, in render order */
  selected: number[];
  /** token positions, groups and the cacheable region */
  layout: PromptLayout;
}

/**
 * What a pair check receives: a request, its nearest prior (the earlier request, any session, sharing
 * its longest prefix) and where and why they stop sharing.
 */
export interface PairSubject {
  divergence: { cause: string; segment: number; label: string; charOffset: number; tokenOffset: number; excerpt: string; note?: string };
  /** the earlier request the divergence is measured against */
  prior: { lineage: string; sameLineage: boolean };
  current: { lineage: string };
  /** tokens of the prior's prompt this request cannot reuse */
  lostTokens: number;
  /** seconds since the shared prefix was last used, and the TTL that applies, when known */
  gapSeconds?: number;
  ttlSeconds?: number;
}

export interface PairContext {
  /** the rule's `cause` */
  cause: string | undefined;
  report(r: { messageId: string; data?: Record<string, string | number> }): void;
}

export interface CheckContext {
  report(r: CheckReport): void;
  tokenizer: Tokenizer;
  /** the chosen model's minimum cacheable prefix, when a model is known */
  minCacheable?: { tokens: number; model: string; source: string; asOf: string };
}

export interface CheckDefinition<S extends Record<string, OptionSpec>> {
  name: string;
  scopes: readonly RuleScope[];
  options: S;
  /** messageId → the data keys it fills (the engine adds tokensAtRisk, tokenOffset and segment) */
  messageIds: Record<string, readonly string[]>;
  /** messageIds the check can emit with these options (default: all); a rule must define each */
  emits?: (options: OptionsOf<S>) => string[];
  /** extra validation beyond types; returns a problem or undefined */
  validate?: (options: OptionsOf<S>) => string | undefined;
  /** the check over a template or tool file (scope `template`) */
  run?(subject: TemplateSubject, options: OptionsOf<S>, ctx: CheckContext): void;
  /** the check over two logged requests that share a prefix (scope `session`) */
  pair?(subject: PairSubject, options: OptionsOf<S>, ctx: PairContext): void;
}

/** A check with its option types erased, as the registry holds it. */
export interface Check {
  name: string;
  scopes: readonly RuleScope[];
  options: Record<string, OptionSpec>;
  messageIds: Record<string, readonly string[]>;
  emits(options: Record<string, unknown>): string[];
  validate(options: Record<string, unknown>): string | undefined;
  run?(subject: TemplateSubject, options: Record<string, unknown>, ctx: CheckContext): void;
  pair?(subject: PairSubject, options: Record<string, unknown>, ctx: PairContext): void;
}

/** Data keys the engine fills for every message, whatever the check. */
export const ENGINE_DATA_KEYS: readonly string[] = ['tokensAtRisk', 'tokenOffset', 'segment'];

/** Declares a check; options are typed from the spec, and erased for the registry. */
export function defineCheck<S extends Record<string, OptionSpec>>(def: CheckDefinition<S>): Check {
  return {
    name: def.name,
    scopes: def.scopes,
    options: def.options,
    messageIds: def.messageIds,
    emits: (o) => (def.emits ? def.emits(o as OptionsOf<S>) : Object.keys(def.messageIds)),
    validate: (o) => validateOptions(def.options, o) ?? def.validate?.(o as OptionsOf<S>),
    ...(def.run ? { run: (subject: TemplateSubject, o: Record<string, unknown>, ctx: CheckContext) => def.run!(subject, o as OptionsOf<S>, ctx) } : {}),
    ...(def.pair ? { pair: (subject: PairSubject, o: Record<string, unknown>, ctx: PairContext) => def.pair!(subject, o as OptionsOf<S>, ctx) } : {}),
  };
}

/** Checks option values against a spec: unknown keys, wrong types, bad enums and bad regexes. */
export function validateOptions(spec: Record<string, OptionSpec>, options: Record<string, unknown>): string | undefined {
  for (const key of Object.keys(options)) {
    const s = spec[key];
    if (!s) {
      const known = Object.keys(spec);
      return `unknown option '${key}'${known.length ? ` (expected one of: ${known.join(', ')})` : ' (this check takes no options)'}`;
    }
    const v = options[key];
    switch (s.type) {
      case 'boolean':
        if (typeof v !== 'boolean') return `option '${key}' must be true or false`;
        break;
      case 'number':
        if (typeof v !== 'number' || !Number.isFinite(v)) return `option '${key}' must be a number`;
        if (s.min !== undefined && v < s.min) return `option '${key}' must be at least ${s.min}`;
        break;
      case 'string':
        if (typeof v !== 'string') return `option '${key}' must be a string`;
        if (s.enum && !s.enum.includes(v)) return `option '${key}' must be one of: ${s.enum.join(', ')}`;
        break;
      case 'strings':
      case 'regexes':
        if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return `option '${key}' must be a list of strings`;
        if (s.type === 'regexes') {
          for (const src of v as string[]) {
            try {
              new RegExp(src, 'u');
            } catch (e) {
              return `option '${key}' has an invalid regular expression /${src}/: ${(e as Error).message}`;
            }
          }
        }
        break;
    }
  }
  return undefined;
}

/** The check's defaults with the given options merged over them. */
export function withDefaults(spec: Record<string, OptionSpec>, options: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(spec)) out[k] = s.default;
  return { ...out, ...(options ?? {}) };
}
