import { describe, expect, it } from 'vitest';
import { KvlintError } from '../../src/errors.js';
import { lintPrompt } from '../../src/engine/lint.js';
import { layoutPrompt } from '../../src/engine/layout.js';
import { loadRules } from '../../src/engine/registry.js';
import type { RuleSettings } from '../../src/engine/rule.js';
import { makeDoc, wordTokenizer } from '../helpers/rule-tester.js';

const rules = loadRules();
const only = (...ids: string[]) => rules.filter((r) => ids.includes(r.id));
const STAMP = "Today's date: 2025-08-07";
const STATIC = 'You are a support agent for Acme. Answer questions about orders and returns.';

describe('cacheable region', () => {
  it('runs through the last cache marker', () => {
    const doc = makeDoc([
      { level: 'system', text: 'A' },
      { level: 'system', text: 'B', cacheMarker: true },
      { level: 'messages', text: 'C' },
    ]);
    const l = layoutPrompt(doc, wordTokenizer);
    expect(l.segments.map((s) => s.inRegion)).toEqual([true, true, false]);
    expect(l.groups[0]?.regionKind).toBe('marker');
  });
  it('covers everything with automatic caching', () => {
    const doc = makeDoc([{ level: 'system', text: 'A' }, { level: 'messages', text: '{{ q }}' }], { autoCache: true });
    expect(layoutPrompt(doc, wordTokenizer).segments.every((s) => s.inRegion)).toBe(true);
  });
  it('without markers covers tools, system and leading static messages', () => {
    const doc = makeDoc([
      { level: 'tools', value: { name: 't' } },
      { level: 'system', text: 'S' },
      { level: 'messages', text: 'static shot' },
      { level: 'messages', text: '{{ q }}' },
      { level: 'messages', text: 'after' },
    ]);
    expect(layoutPrompt(doc, wordTokenizer).segments.map((s) => s.inRegion)).toEqual([true, true, true, false, false]);
  });
  it('measures each group on its own', () => {
    const doc = makeDoc([
      { level: 'system', text: 'one two', group: 'a' },
      { level: 'system', text: 'three four five', group: 'b' },
    ]);
    const l = layoutPrompt(doc, wordTokenizer);
    expect(l.segments.map((s) => s.startToken)).toEqual([0, 0]);
    expect(l.groups.map((g) => g.regionTokens)).toEqual([2, 3]);
  });
});

describe('position semantics', () => {
  const rule = only('no-timestamp-in-prefix');
  it('reports a timestamp before the last cache marker and drops the same one after it', () => {
    const before = makeDoc([
      { level: 'system', text: STAMP },
      { level: 'system', text: STATIC, cacheMarker: true },
      { level: 'messages', text: 'Hi' },
    ], { syntax: 'text' });
    const after = makeDoc([
      { level: 'system', text: STATIC, cacheMarker: true },
      { level: 'messages', text: STAMP },
    ], { syntax: 'text' });
    const found = lintPrompt(before, rule, new Map(), { tokenizer: wordTokenizer });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ code: 'KV101', line: 1, column: 15, segment: 'system[0]', tokenOffset: 5, tokensAtRisk: 15, approx: false });
    expect(found[0]?.message).toBe("'2025-08-07' reads like the current date or time and precedes 15 cacheable tokens: if it is rendered per request, each new value recomputes them");
    expect(lintPrompt(after, rule, new Map(), { tokenizer: wordTokenizer })).toEqual([]);
  });

  it('puts fewer tokens at risk the later the timestamp sits', () => {
    const risk = (k: number) => {
      const lines = Array.from({ length: 5 }, (_, i) => (i === k ? STAMP : STATIC));
      const doc = makeDoc([{ level: 'system', text: lines.join('\n') }], { syntax: 'text' });
      return lintPrompt(doc, rule, new Map(), { tokenizer: wordTokenizer })[0]?.tokensAtRisk ?? -1;
    };
    const values = [0, 1, 2, 3, 4].map(risk);
    for (let k = 1; k < values.length; k++) expect(values[k]).toBeLessThan(values[k - 1] as number);
    // on the last line nothing cacheable follows it: it costs nothing and is not reported
    expect(values[4]).toBe(-1);
  });

  it('marks approximate counts with ≈', () => {
    const doc = makeDoc([{ level: 'system', text: `${STAMP}\n${STATIC}` }], { syntax: 'text' });
    const [d] = lintPrompt(doc, rule, new Map(), { tokenizer: { ...wordTokenizer, approx: true } });
    expect(d?.approx).toBe(true);
    expect(d?.message).toMatch(/precedes ≈15 cacheable tokens/);
  });

  it('redacts secrets in messages and evidence', () => {
    const doc = makeDoc([{ level: 'system', text: `Escalate to dana.reyes@gmail.com.\n${STATIC}` }], { syntax: 'text' });
    const [d] = lintPrompt(doc, only('no-user-data-in-prefix'), new Map(), { tokenizer: wordTokenizer });
    expect(d?.message).not.toContain('dana.reyes');
    expect(d?.evidence).toBe('[REDACTED:email]');
  });
});

describe('settings', () => {
  const doc = makeDoc([{ level: 'system', text: `${STAMP}  \n${STATIC}` }], { syntax: 'text' });
  const rs = only('no-timestamp-in-prefix', 'no-trailing-whitespace');
  it('runs rules absent from the settings with their YAML defaults', () => {
    const ds = lintPrompt(doc, rs, new Map(), { tokenizer: wordTokenizer });
    // a literal date is a suspicion: KV101's maxSeverity caps it at warning
    expect(ds.map((d) => `${d.code}:${d.severity}`)).toEqual(['KV101:warning', 'KV402:warning']);
  });
  it('turns a rule off and overrides a severity', () => {
    const settings: RuleSettings = new Map([
      ['no-timestamp-in-prefix', { severity: 'off' }],
      ['no-trailing-whitespace', { severity: 'error' }],
    ]);
    expect(lintPrompt(doc, rs, settings, { tokenizer: wordTokenizer }).map((d) => `${d.code}:${d.severity}`)).toEqual(['KV402:error']);
  });
  it('caps a suspicion at the rule’s maxSeverity whatever the configured severity, and lowers it below', () => {
    const sev = (severity: 'error' | 'info') =>
      lintPrompt(doc, only('no-timestamp-in-prefix'), new Map([['no-timestamp-in-prefix', { severity }]]), { tokenizer: wordTokenizer }).map((d) => d.severity);
    expect(sev('error')).toEqual(['warning']);
    expect(sev('info')).toEqual(['info']);
  });
    it('merges options over the rule’s with', () => {
    const settings: RuleSettings = new Map([['no-timestamp-in-prefix', { severity: 'warning', options: { excludeBefore: ['Today'] } }]]);
    expect(lintPrompt(doc, rs, settings, { tokenizer: wordTokenizer }).map((d) => d.code)).toEqual(['KV402']);
  });
  it('rejects options the check does not accept (KVE201)', () => {
    const settings: RuleSettings = new Map([['no-trailing-whitespace', { severity: 'warning', options: { strict: true } }]]);
    expect(() => lintPrompt(doc, rs, settings, { tokenizer: wordTokenizer })).toThrow(KvlintError);
  });
});

describe('one finding per place', () => {
  const doc = makeDoc([{ level: 'system', text: 'Today is {{ now() }}.\nYou are a travel assistant. Help the user plan trips.' }]);
  const rs = only('no-clock-placeholder', 'no-volatile-before-stable');
  it('folds KV106 into KV102 on the same placeholder, naming it', () => {
    const ds = lintPrompt(doc, rs, new Map(), { tokenizer: wordTokenizer });
    expect(ds.map((d) => [d.code, d.severity, d.alsoRules])).toEqual([['KV102', 'error', ['no-volatile-before-stable']]]);
    expect(ds[0]?.message).toMatch(/\(also no-volatile-before-stable\)$/);
  });
  it('keeps the higher severity of the two', () => {
    const ds = lintPrompt(doc, rs, new Map([['no-clock-placeholder', { severity: 'warning' }]]), { tokenizer: wordTokenizer });
    expect(ds.map((d) => [d.code, d.severity])).toEqual([['KV102', 'error']]);
  });
  it('reports KV106 itself when the specific rule is off', () => {
    const ds = lintPrompt(doc, rs, new Map([['no-clock-placeholder', { severity: 'off' }]]), { tokenizer: wordTokenizer });
    expect(ds.map((d) => [d.code, d.alsoRules])).toEqual([['KV106', undefined]]);
  });
});

describe('determinism', () => {
  it('returns the same sorted diagnostics whatever the rule order', () => {
    const doc = makeDoc([
      { level: 'tools', value: { name: 'zeta', input_schema: { type: 'object' } } },
      { level: 'tools', value: { name: 'alpha', input_schema: { type: 'object' } }, cacheMarker: true },
      { level: 'tools', value: { name: 'alpha', input_schema: { type: 'object' } } },
      { level: 'system', text: `${STAMP}  \r\nSession ID: 3f2b8c1e-9a4d-4e7b-8c2f-6d1a0b9e7c55\r\n${STATIC}` },
    ], { syntax: 'yaml' }); // a captured request body: its literal values were rendered per request
    const a = lintPrompt(doc, rules, new Map(), { tokenizer: wordTokenizer });
    const b = lintPrompt(doc, [...rules].reverse(), new Map(), { tokenizer: wordTokenizer });
    expect(b).toEqual(a);
    expect(a.map((d) => `${d.code}@${d.line}`)).toEqual(['KV302@7', 'KV201@8', 'KV204@14']);
    // Move the breakpoint to the system prompt: the system findings enter the cacheable region.
    const marked = { ...doc, segments: doc.segments.map((s, i) => (i === 1 ? { ...s, cacheMarker: undefined } : i === 3 ? { ...s, cacheMarker: {} } : s)) };
    const c = lintPrompt(marked, rules, new Map(), { tokenizer: wordTokenizer });
    expect(c.map((d) => `${d.code}@${d.line}`)).toEqual(["KV201@8", "KV204@14", "KV101@19", "KV402@19", "KV401@19", "KV103@20"]);
    const positions = c.map((d) => [d.line, d.column]);
    expect(positions).toEqual([...positions].sort((x, y) => (x[0] as number) - (y[0] as number) || (x[1] as number) - (y[1] as number)));
  });
});

describe('literal values in template languages', () => {
  const rule = only('no-user-data-in-prefix', 'no-timestamp-in-prefix');
  const text = `Escalate to dana.reyes@gmail.com. Today is 2025-08-07.\n${STATIC}`;
  it('reports them in captured prompts, where they were rendered per request', () => {
    const found = lintPrompt(makeDoc([{ level: 'system', text }], { syntax: 'text' }), rule, new Map(), { tokenizer: wordTokenizer });
    expect(found.map((d) => d.code).sort()).toEqual(['KV101', 'KV104']);
  });
  it('leaves them alone in a Jinja template, whose literal text is the same on every request', () => {
    expect(lintPrompt(makeDoc([{ level: 'system', text }], { syntax: 'jinja' }), rule, new Map(), { tokenizer: wordTokenizer })).toEqual([]);
  });
});
