// Every session rule's docs examples through the real log pipeline: docs.bad (a logged session) must
// report the rule, docs.good must not — so `kvlint explain` never shows a "bad" example kvlint does not
// flag. Template rules' examples are checked by invariants.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRules } from '../../src/engine/registry.js';
import { runLogJob } from '../../src/logs/job.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kvlint-session-docs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function codesOf(file: string, text: string): Promise<string[]> {
  const abs = path.join(dir, file);
  writeFileSync(abs, text);
  const r = await runLogJob({ inputs: [{ abs, rel: file }], tokenizerModel: 'claude-sonnet-4-6', redact: true, workers: 0 });
  expect(r.problems, file).toEqual([]);
  return r.analysis.diagnostics.map((d) => d.code);
}

describe('session rules: docs examples as logs', () => {
  for (const r of loadRules().filter((x) => x.scope === 'session')) {
    it(`${r.code} ${r.id}: docs.bad reports it`, async () => {
      expect(await codesOf(`bad-${r.id}-${r.docs.bad.file}`, r.docs.bad.text)).toContain(r.code);
    });
    it(`${r.code} ${r.id}: docs.good does not`, async () => {
      expect(await codesOf(`good-${r.id}-${r.docs.good.file}`, r.docs.good.text)).not.toContain(r.code);
    });
  }
});
