// Invariants over the rule set: every rule has a test, codes are unique, every check is used, and each
// template rule's docs.bad reports it while docs.good does not (parsed by the real prompt parsers).
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHECKS, METADATA_CHECKS } from '../../src/checks/index.js';
import { STRUCTURAL_FIX_CODES } from '../../src/fix/apply.js';
import { lintPrompt } from '../../src/engine/lint.js';
import { defaultRulesDir, loadRules, ruleIndex } from '../../src/engine/registry.js';
import type { LoadedRule } from '../../src/engine/rule.js';
import type { PromptDoc, SourceFile } from '../../src/model.js';
import { makeSourceFile } from '../../src/source.js';
import { loadTokenizer } from '../../src/tokenize/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const rules = loadRules();
const PARSER = join(repo, 'src/normalize/prompt/index.ts');

describe('rule set invariants', () => {
  it('has one test file per rule file', () => {
    const files = readdirSync(defaultRulesDir()).filter((f) => f.endsWith('.yaml'));
    for (const f of files) expect(existsSync(join(here, f.replace(/\.yaml$/, '.test.ts'))), f).toBe(true);
  });
  it('uses unique codes whose hundreds digit is the category', () => {
    expect(new Set(rules.map((r) => r.code)).size).toBe(rules.length);
  });
  it('uses every registered check', () => {
    const used = new Set(rules.map((r) => r.check));
    for (const name of CHECKS.keys()) expect(used.has(name), name).toBe(true);
  });
  it('declares fixable exactly for rules --fix repairs, and says what it does', () => {
    // checks that emit exact edits, and the rules the JSON tool-file sorts repair (src/fix/apply.ts)
    const fixing = new Set(['bom', 'invisible-chars', 'line-endings', 'nfc', 'trailing-whitespace']);
    for (const r of rules) {
      expect(r.fixable !== 'none', r.id).toBe(fixing.has(r.check) || STRUCTURAL_FIX_CODES.has(r.code));
      expect(r.fix !== undefined, r.id).toBe(r.fixable !== 'none');
    }
  });
  it('covers the catalog', () => {
    expect(rules.map((r) => r.code)).toEqual([
      'KV101', 'KV102', 'KV103', 'KV104', 'KV105', 'KV106', 'KV107', 'KV108', 'KV109', 'KV110',
      'KV201', 'KV202', 'KV203', 'KV204', 'KV205', 'KV301', 'KV302', 'KV303', 'KV305',
      'KV401', 'KV402', 'KV403', 'KV404', 'KV405', 'KV406', 'KV490',
    ]);
  });
});

describe.skipIf(!existsSync(PARSER))('docs examples (parsed with parsePrompt)', async () => {
  const { parsePrompt } = (await import(PARSER)) as { parsePrompt: (f: SourceFile) => PromptDoc };
  const tokenizer = await loadTokenizer('gpt-4.1');
  // Small enough that docs.good of require-min-cacheable-prefix clears it and docs.bad does not.
  const minCacheable = { tokens: 200, model: 'test-model', source: 'test', asOf: '2025-01-01' };
  const templateRules = rules.filter((r) => r.scope === 'template' && !METADATA_CHECKS.has(r.check));
  const codes = (r: LoadedRule, which: 'bad' | 'good') => {
    const ex = r.docs[which];
    const doc = parsePrompt(makeSourceFile(ex.file, ex.text));
    return lintPrompt(doc, [r], new Map(), { tokenizer, minCacheable }).map((d) => d.code);
  };
  // With every rule on, as `kvlint` runs: a finding folded into a more specific rule's still names this one.
  const allCodes = (r: LoadedRule, which: 'bad' | 'good') => {
    const ex = r.docs[which];
    const doc = parsePrompt(makeSourceFile(ex.file, ex.text));
    const find = ruleIndex(rules);
    return lintPrompt(doc, rules, new Map(), { tokenizer, minCacheable }).flatMap((d) => [d.code, ...(d.alsoRules ?? []).map((id) => find(id)?.code ?? id)]);
  };
  for (const r of templateRules) {
    it(`${r.code} ${r.id}: docs.bad reports it`, () => expect(codes(r, 'bad')).toContain(r.code));
    it(`${r.code} ${r.id}: docs.good does not`, () => expect(codes(r, 'good')).toEqual([]));
    it(`${r.code} ${r.id}: with every rule on, docs.bad still reports it and docs.good does not`, () => {
      expect(allCodes(r, 'bad')).toContain(r.code);
      expect(allCodes(r, 'good')).not.toContain(r.code);
    });
  }
});
