// Prices for models the shipped table lacks: a `prices:` row in the config, or --price on the command line.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KvlintError } from '../../src/errors.js';
import { findPriceRow, loadPriceTable, withConfigPrices } from '../../src/project/prices.js';
import { kvlint } from '../helpers/cli.js';

describe('price overrides', () => {
  it('a config row is found first, with the config as its source', () => {
    const t = withConfigPrices(loadPriceTable(), { 'claude-sonnet-4-6': { provider: 'anthropic', input_per_mtok: 2.5, cache_read_per_mtok: 0.25 } }, 'kvlint.config.yaml');
    const row = findPriceRow(t, 'claude-sonnet-4-6-20260101');
    expect(row).toMatchObject({ input_per_mtok: 2.5, source: 'config kvlint.config.yaml' });
    expect(findPriceRow(t, 'gpt-4o')).toEqual(findPriceRow(loadPriceTable(), 'gpt-4o')); // other models untouched
  });

  it('rejects a row without provider or input price, or with a wrong field, naming it', () => {
    const bad = (v: unknown) => () => withConfigPrices(loadPriceTable(), { m: v }, 'k.yaml');
    expect(bad({ input_per_mtok: 1 })).toThrow(/prices\.m: needs 'provider'/);
    expect(bad({ provider: 'openai' })).toThrow(/needs 'input_per_mtok'/);
    expect(bad({ provider: 'openai', input_per_mtok: -1 })).toThrow(KvlintError);
    expect(bad({ provider: 'openai', input_per_mtok: 1, inptu: 2 })).toThrow(/unknown field 'inptu'/);
  });

  describe('on the command line', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'kvlint-prices-'));
      mkdirSync(path.join(dir, '.git'));
      const req = (i: number) =>
        JSON.stringify({ timestamp: new Date(Date.UTC(2026, 0, 1, 10, 0, i * 10)).toISOString(), request: { model: 'acme-llm-1', user: 'u1', messages: [{ role: 'system', content: 'You are Acme support. '.repeat(300) }, { role: 'user', content: `question ${i}` }] } });
      writeFileSync(path.join(dir, 'log.jsonl'), `${[0, 1, 2].map(req).join('\n')}\n`);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const projection = (args: string[]) => (JSON.parse(kvlint(['--format', 'json', ...args, 'log.jsonl'], { cwd: dir }).stdout) as { projection?: { unpriced: unknown[]; targets: { price: string }[] } }).projection;

    it('an unknown model is left out and named, with how to price it', () => {
      const p = projection([]);
      expect(p?.targets).toEqual([]);
      expect(p?.unpriced).toEqual([{ model: 'acme-llm-1', requests: 3 }]);
      expect(kvlint(['log.jsonl'], { cwd: dir }).stdout).toMatch(/acme-llm-1: no price row, 3 requests not projected; pass --price/);
    });

    it('--price prices it', () => {
      const p = projection(['--price', 'input=1,cache_read=0.1']);
      expect(p?.targets[0]?.price).toMatch(/--price on the command line/);
    });

    it('a config prices: row prices it', () => {
      writeFileSync(path.join(dir, 'kvlint.config.yaml'), 'prices:\n  acme-llm-1: { provider: openai, input_per_mtok: 1, cache_read_per_mtok: 0.1, source: "acme contract 2026", as_of: 2026-01-01 }\n');
      const p = projection([]);
      rmSync(path.join(dir, 'kvlint.config.yaml'));
      expect(p?.targets[0]?.price).toBe('price row acme-llm-1, acme contract 2026, as of 2026-01-01');
    });
  });
});
