// An ESLint-RuleTester-shaped harness for kvlint rules: `ruleTester.run(id, { valid, invalid })` lints
// small hand-built PromptDocs with one rule and asserts the findings. Also exports `makeDoc`, which builds
// a PromptDoc from segment specs for engine and check tests (the parsers are tested on their own).
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/engine/registry.js';
import { lintPrompt } from '../../src/engine/lint.js';
import type { LintContext } from '../../src/engine/lint.js';
import type { LoadedRule, RuleSettings } from '../../src/engine/rule.js';
import type { CacheMarker, Diagnostic, Fix, Level, Placeholder, PromptDoc, Segment, TemplateSyntax } from '../../src/model.js';
import { makeSourceFile, sliceAnchors } from '../../src/source.js';
import type { Tokenizer } from '../../src/tokenize/index.js';

export interface SegSpec {
  level: Level;
  role?: string;
  text?: string;
  /** holes; when omitted and the doc syntax is a template syntax, found with a test-only regex */
  placeholders?: Placeholder[];
  /** a parsed tool definition; its text defaults to JSON.stringify(value, null, 2) */
  value?: unknown;
  cacheMarker?: CacheMarker | true;
  group?: string;
  label?: string;
}

export interface DocOptions {
  path?: string;
  syntax?: TemplateSyntax;
  kind?: PromptDoc['kind'];
  format?: string;
  autoCache?: boolean;
  keyOrderUnknown?: boolean;
  /** prepend a UTF-8 BOM to the file */
  bom?: boolean;
  /** text between segments in the synthesized file (default a newline) */
  separator?: string;
}

// Test-only: `{{ x }}`, `{{#each x}}`, `{% for … %}` and `${x}`; good enough for hand-written cases.
const TEST_HOLES = /\{\{\s*([^{}]*?)\s*\}\}|\{%-?\s*([^%]*?)\s*-?%\}|\$\{([^{}]+)\}/g;

function findHoles(text: string): Placeholder[] {
  const out: Placeholder[] = [];
  for (const m of text.matchAll(TEST_HOLES)) {
    const expr = (m[1] ?? m[2] ?? m[3] ?? '').trim();
    const kind: Placeholder['kind'] = m[2] !== undefined || /^[#/^]/.test(expr) ? 'block' : expr.startsWith('>') ? 'partial' : 'variable';
    out.push({ start: m.index, end: m.index + m[0].length, expr, kind });
  }
  return out;
}

/**
 * Builds a PromptDoc whose file is the segment texts joined by `separator`, each segment anchored to its
 * slice of the file, so line/column and fixes work as with a parsed file.
 */
export function makeDoc(specs: SegSpec[], opts: DocOptions = {}): PromptDoc {
  const sep = opts.separator ?? '\n';
  const syntax = opts.syntax ?? 'jinja';
  const texts = specs.map((s) => s.text ?? (s.value !== undefined ? JSON.stringify(s.value, null, 2) : ''));
  const body = texts.join(sep);
  const file = makeSourceFile(opts.path ?? 'test.txt', (opts.bom ? '\uFEFF' : '') + body);
  let offset = 0;
  const counters: Record<string, number> = {};
  const segments: Segment[] = specs.map((s, k) => {
    const text = texts[k] as string;
    const n = (counters[s.level] = (counters[s.level] ?? -1) + 1);
    const seg: Segment = {
      level: s.level,
      role: s.role ?? (s.level === 'tools' ? 'tool' : s.level === 'system' ? 'system' : 'user'),
      label: s.label ?? `${s.level}[${n}]${s.level === 'tools' && isNamed(s.value) ? ` ${s.value.name}` : ''}`,
      text,
      anchors: sliceAnchors(offset),
    };
    const holes = s.placeholders ?? (syntax === 'text' || s.level === 'tools' ? undefined : findHoles(text));
    if (holes && holes.length) seg.placeholders = holes;
    if (s.value !== undefined) seg.value = s.value;
    if (s.cacheMarker) seg.cacheMarker = s.cacheMarker === true ? {} : s.cacheMarker;
    if (s.group !== undefined) seg.group = s.group;
    offset += text.length + sep.length;
    return seg;
  });
  const doc: PromptDoc = {
    file,
    kind: opts.kind ?? (specs.every((s) => s.level === 'tools') && specs.length > 0 ? 'tools' : 'template'),
    syntax,
    format: opts.format ?? syntax,
    segments,
  };
  if (opts.autoCache) doc.autoCache = true;
  if (opts.keyOrderUnknown) doc.keyOrderUnknown = true;
  return doc;
}

function isNamed(v: unknown): v is { name: string } {
  return typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string';
}

/** A deterministic stand-in tokenizer: one token per run of word characters or per other non-space character. */
export const wordTokenizer: Tokenizer = {
  encoding: 'o200k_base',
  approx: false,
  count: (text) => (text.match(/\w+|[^\s\w]/g) ?? []).length,
};

/** Applies non-overlapping fixes to text (last first, so offsets stay valid). */
export function applyFixes(text: string, fixes: Fix[]): string {
  let out = text;
  for (const f of [...fixes].sort((a, b) => b.start - a.start)) out = out.slice(0, f.start) + f.text + out.slice(f.end);
  return out;
}

type CaseInput = string | { segments: SegSpec[]; doc?: DocOptions };

export interface ValidCase {
  name?: string;
  code: CaseInput;
  options?: Record<string, unknown>;
  minCacheable?: LintContext['minCacheable'];
}

export interface ExpectedError {
  messageId: string;
  line?: number;
  column?: number;
  /** a substring the message must contain */
  message?: string;
  /** the severity the finding must have (a suspicion is capped by the rule's maxSeverity) */
  severity?: Diagnostic['severity'];
}

export interface InvalidCase extends ValidCase {
  errors: ExpectedError[];
  /** the file after applying every fix; required when the rule's findings carry fixes */
  output?: string;
}

function toDoc(code: CaseInput): PromptDoc {
  if (typeof code === 'string') return makeDoc([{ level: 'system', text: code }], { syntax: 'text', path: 'system.txt' });
  return makeDoc(code.segments, code.doc);
}

function caseKey(c: ValidCase): string {
  return JSON.stringify([c.code, c.options ?? null, c.minCacheable ?? null]);
}

/** Lints a case with one rule, as configured by the case's options. */
export function lintCase(rule: LoadedRule, c: ValidCase): { doc: PromptDoc; diagnostics: Diagnostic[] } {
  const doc = toDoc(c.code);
  const settings: RuleSettings = new Map();
  if (c.options) settings.set(rule.id, { severity: rule.severity, options: c.options });
  const ctx: LintContext = { tokenizer: wordTokenizer };
  if (c.minCacheable) ctx.minCacheable = c.minCacheable;
  return { doc, diagnostics: lintPrompt(doc, [rule], settings, ctx) };
}

export const ruleTester = {
  /** Declares a describe block with one test per case. */
  run(ruleId: string, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
    const rule = loadRules().find((r) => r.id === ruleId);
    describe(ruleId, () => {
      it('is a loaded rule', () => expect(rule, `no rule file rules/${ruleId}.yaml`).toBeDefined());
      if (!rule) return;
      const seen = new Set<string>();
      for (const c of [...cases.valid, ...cases.invalid]) {
        const key = caseKey(c);
        if (seen.has(key)) throw new Error(`${ruleId}: duplicate test case ${key.slice(0, 120)}`);
        seen.add(key);
      }
      cases.valid.forEach((c, k) => {
        it(`valid #${k + 1}${c.name ? `: ${c.name}` : ''}`, () => {
          const { diagnostics } = lintCase(rule, c);
          expect(diagnostics.map((d) => `${d.messageId} ${d.line}:${d.column} ${d.message}`)).toEqual([]);
        });
      });
      cases.invalid.forEach((c, k) => {
        it(`invalid #${k + 1}${c.name ? `: ${c.name}` : ''}`, () => {
          for (const e of c.errors) {
            if (!(e.messageId in rule.messages)) throw new Error(`${ruleId}: unknown messageId '${e.messageId}' in a test case`);
          }
          const { doc, diagnostics } = lintCase(rule, c);
          expect(diagnostics.length, diagnostics.map((d) => `${d.messageId} ${d.line}:${d.column} ${d.message}`).join('\n')).toBe(c.errors.length);
          c.errors.forEach((e, n) => {
            const d = diagnostics[n] as Diagnostic;
            expect(d.messageId).toBe(e.messageId);
            expect(d.ruleId).toBe(ruleId);
            if (e.line !== undefined) expect(d.line).toBe(e.line);
            if (e.column !== undefined) expect(d.column).toBe(e.column);
            if (e.message !== undefined) expect(d.message).toContain(e.message);
            if (e.severity !== undefined) expect(d.severity, d.message).toBe(e.severity);
          });
          const fixes = diagnostics.flatMap((d) => d.fix ?? []);
          if (fixes.length > 0 && c.output === undefined) throw new Error(`${ruleId}: the findings carry fixes; assert them with 'output'`);
          if (c.output !== undefined) expect(applyFixes(doc.file.text, fixes)).toBe(c.output);
        });
      });
    });
  },
};
