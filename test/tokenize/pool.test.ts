// Worker-thread tokenization must give exactly the main thread's counts, and a log analyzed with workers
// must give exactly the same analysis as one analyzed on the main thread alone.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeLogs } from '../../src/logs/analyze.js';
import { TokenizerPool } from '../../src/tokenize/pool.js';
import { loadTokenizer, type Tokenizer } from '../../src/tokenize/index.js';

const built = existsSync(path.resolve(__dirname, '../../dist/tokenize/worker.js'));

describe.skipIf(!built)('TokenizerPool (needs npm run build: workers run dist/tokenize/worker.js)', () => {
  let pool: TokenizerPool;
  let tokenizer: Tokenizer;
  beforeAll(async () => {
    pool = new TokenizerPool('o200k_base', 2);
    tokenizer = await loadTokenizer('gpt-4o');
  });
  afterAll(async () => pool.close());

  it('counts exactly what the main thread counts, in order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'grapheme', maxLength: 300 }), { maxLength: 40 }), async (texts) => {
        expect(await pool.countMany(texts)).toEqual(texts.map((t) => tokenizer.count(t)));
      }),
      { seed: 20261126, numRuns: 40 },
    );
  });

  it('analyzes a log of unique text identically with and without workers', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kvlint-pool-'));
    try {
      const file = path.join(dir, 'unique.jsonl');
      const lines: string[] = [];
      for (let i = 0; i < 300; i++) {
        const words = Array.from({ length: 120 }, (_, k) => `w${(i * 7919 + k * 104729) % 100003}`).join(' ');
        lines.push(JSON.stringify({ model: 'gpt-4.1', user: `u${i % 7}`, messages: [{ role: 'system', content: `Note ${i}` }, { role: 'user', content: words }] }));
      }
      writeFileSync(file, `${lines.join('\n')}\n`);
      const input = [{ abs: file, rel: 'unique.jsonl' }];
      const one = await analyzeLogs(input, { tokenizer, workers: 1 });
      const two = await analyzeLogs(input, { tokenizer, workers: 2, workersAfter: 10_000 });
      expect(two).toEqual(one);
      expect(one.summary.requests).toBe(300);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
