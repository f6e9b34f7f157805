// The code examples `kvlint explain` shows (data/source-examples.yaml) are checked like rule docs: each
// bad example is reported by its rule, each good one is not.
import { describe, expect, it } from 'vitest';
import { loadSourceExamples } from '../../../src/commands/explain.js';
import { lintSourceRequests } from '../../../src/engine/lint-source.js';
import { loadRules } from '../../../src/engine/registry.js';
import { parseSource } from '../../../src/normalize/source/index.js';
import { makeSourceFile } from '../../../src/source.js';
import { wordTokenizer } from '../../helpers/rule-tester.js';

const rules = loadRules();
const examples = loadSourceExamples();

async function codes(file: string, text: string): Promise<string[]> {
  const sd = await parseSource(makeSourceFile(file, text));
  const diags = await lintSourceRequests(sd.requests, rules, new Map(), async () => ({ tokenizer: wordTokenizer }));
  return diags.map((d) => d.code);
}

describe('source examples', () => {
  it('exist for every rule that judges prompts built in code', () => {
    const ids = ['KV102', 'KV103', 'KV104', 'KV105', 'KV106', 'KV201', 'KV203', 'KV204', 'KV205'].map((code) => rules.find((r) => r.code === code)?.id);
    expect(Object.keys(examples).sort()).toEqual([...ids].sort());
  });
  for (const [id, ex] of Object.entries(examples)) {
    const rule = rules.find((r) => r.id === id);
    it(`${id}: bad is reported, good is not`, async () => {
      expect(rule).toBeDefined();
      expect(await codes(ex.bad.file, ex.bad.text)).toContain(rule!.code);
      expect(await codes(ex.good.file, ex.good.text)).not.toContain(rule!.code);
    });
  }
});
