// Emitted by the directive pass, not by template linting: here the rule must load with its docs and
// stay silent in lintPrompt.
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/engine/registry.js';
import { lintPrompt } from '../../src/engine/lint.js';
import { makeDoc, wordTokenizer } from '../helpers/rule-tester.js';

describe('no-unused-disable', () => {
  const rule = loadRules().find((r) => r.id === 'no-unused-disable');
  it('loads with the directive check and both messages', () => {
    expect(rule?.code).toBe('KV490');
    expect(rule?.check).toBe('directive');
    expect(Object.keys(rule?.messages ?? {})).toEqual(['unused', 'missingReason']);
  });
  it('reports a directive without a reason where it is written; one with a reason is left to the suppression pass', () => {
    const doc = makeDoc([{ level: 'system', text: '{# kvlint-disable-next-line KV101 #}\nBe brief.' }]);
    const got = lintPrompt(doc, rule ? [rule] : [], new Map(), { tokenizer: wordTokenizer });
    expect(got.map((d) => [d.code, d.messageId, d.line, d.column])).toEqual([['KV490', 'missingReason', 1, 1]]);
    const good = makeDoc([{ level: 'system', text: '{# kvlint-disable-next-line KV101 -- pinned per release #}\nBe brief.' }]);
    expect(lintPrompt(good, rule ? [rule] : [], new Map(), { tokenizer: wordTokenizer })).toEqual([]);
  });
});
