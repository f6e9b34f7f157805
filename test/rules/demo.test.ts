// fixtures/demo (the README quick start): together the files trigger every template rule, and
// clean.prompty triggers none. KV490 comes from the directive pass and is not checked here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { METADATA_CHECKS } from '../../src/checks/index.js';
import { lintPrompt } from '../../src/engine/lint.js';
import { loadRules } from '../../src/engine/registry.js';
import type { Diagnostic, PromptDoc, SourceFile } from '../../src/model.js';
import { makeSourceFile } from '../../src/source.js';
import { sourceLanguageOf } from '../../src/normalize/source/parser.js';
import { loadTokenizer } from '../../src/tokenize/index.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const demo = join(repo, 'fixtures/demo');
const PARSER = join(repo, 'src/normalize/prompt/index.ts');

describe.skipIf(!existsSync(PARSER))('fixtures/demo', async () => {
  const { parsePrompt } = (await import(PARSER)) as { parsePrompt: (f: SourceFile) => PromptDoc };
  const tokenizer = await loadTokenizer('claude-sonnet-4-5');
  const minCacheable = { tokens: 1024, model: 'claude-sonnet-4-5', source: 'demo', asOf: '2025-08-01' };
  const rules = loadRules();
  const results = new Map<string, Diagnostic[]>();
  const code = readdirSync(demo).filter((f) => sourceLanguageOf(f));
  for (const f of readdirSync(demo).sort()) {
    if (code.includes(f)) continue; // source code: see below
    const doc = parsePrompt(makeSourceFile(`fixtures/demo/${f}`, readFileSync(join(demo, f), 'utf8')));
    results.set(f, lintPrompt(doc, rules, new Map(), { tokenizer, minCacheable }));
  }

  it('triggers every template rule', () => {
    const found = new Set([...results.values()].flat().map((d) => d.code));
    const wanted = rules.filter((r) => r.scope === 'template' && !METADATA_CHECKS.has(r.check)).map((r) => r.code);
    expect(wanted.filter((c) => !found.has(c))).toEqual([]);
  });

  it('holds one Python and one TypeScript file, each with breakers in its system prompt', async () => {
    expect(code.map((f) => f.split('.').pop()).sort()).toEqual(['py', 'ts']);
    const { parseSource } = await import('../../src/normalize/source/index.js');
    const { lintSourceRequests } = await import('../../src/engine/lint-source.js');
    for (const f of code) {
      const sd = await parseSource(makeSourceFile(`fixtures/demo/${f}`, readFileSync(join(demo, f), 'utf8')));
      const diags = await lintSourceRequests(sd.requests, rules, new Map(), async () => ({ tokenizer, minCacheable }));
      expect(diags.filter((d) => d.severity === 'error').length, f).toBeGreaterThan(0);
      expect(diags.every((d) => d.segment?.startsWith('system') || d.segment?.includes('system')), f).toBe(true);
    }
  });

  it('leaves clean.prompty clean', () => {
    expect(results.get('clean.prompty')?.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  });
});
