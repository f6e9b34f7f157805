// A session rule: the log analyzer emits it; here its YAML must load with full docs for `kvlint explain`.
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/engine/registry.js';
import { lintPrompt } from '../../src/engine/lint.js';
import { makeDoc, wordTokenizer } from '../helpers/rule-tester.js';

describe('no-history-rewrite', () => {
  const rule = loadRules().find((r) => r.id === 'no-history-rewrite');
  it('loads as a session rule with docs', () => {
    expect(rule?.code).toBe('KV110');
    expect(rule?.scope).toBe('session');
    expect(rule?.check).toBe('divergence');
    expect(rule?.docs.summary).toMatch(/^[A-Z].*\.$/);
    expect(rule?.docs.bad.text).not.toBe(rule?.docs.good.text);
  });
  it('is skipped by template linting', () => {
    const doc = makeDoc([{ level: 'system', text: "Today's date: 2025-08-07\nBe brief." }]);
    expect(lintPrompt(doc, rule ? [rule] : [], new Map(), { tokenizer: wordTokenizer })).toEqual([]);
  });
});
