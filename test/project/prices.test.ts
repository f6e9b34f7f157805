import { describe, expect, it } from 'vitest';
import { canonicalModelId, findPriceRow, loadPriceTable, minCacheable } from '../../src/project/prices.js';

describe('price table', () => {
  const table = loadPriceTable();

  it('gives every row a source and an as-of date', () => {
    expect(table.models.length).toBeGreaterThan(30);
    for (const row of table.models) {
      expect(row.source, row.model).toBeTruthy();
      expect(row.as_of, row.model).toMatch(/^\d{4}-\d{2}/);
    }
  });

  it('reduces logged model ids to table ids', () => {
    expect(canonicalModelId('claude-sonnet-4-5-20250929')).toBe('claude-sonnet-4-5');
    expect(canonicalModelId('us.anthropic.claude-sonnet-4-5-20250929-v1:0')).toBe('claude-sonnet-4-5');
    expect(canonicalModelId('anthropic/claude-opus-4-8')).toBe('claude-opus-4-8');
    expect(canonicalModelId('claude-sonnet-4-5@20250929')).toBe('claude-sonnet-4-5');
    expect(canonicalModelId('gpt-4o-2024-08-06')).toBe('gpt-4o-2024-08-06');
  });

  it('finds rows by exact id, canonical id and dated OpenAI ids', () => {
    expect(findPriceRow(table, 'claude-sonnet-4-5-20250929')?.input_per_mtok).toBe(3);
    expect(findPriceRow(table, 'gpt-4o-2024-08-06')?.model).toBe('gpt-4o');
    expect(findPriceRow(table, 'gpt-4o-mini-2024-07-18')?.model).toBe('gpt-4o-mini');
    expect(findPriceRow(table, 'no-such-model')).toBeUndefined();
  });

  it('prefers USD, primary and newest rows when a model has several', () => {
    const row = findPriceRow(table, 'deepseek-v4-flash');
    expect(row?.confidence).toBe('primary');
    expect(row?.currency ?? 'USD').toBe('USD');
    const pro = findPriceRow(table, 'deepseek-v4-pro');
    expect(pro?.currency ?? 'USD').toBe('USD');
  });

  it('returns the minimum cacheable length with its source', () => {
    const min = minCacheable(table, 'claude-haiku-4-5');
    expect(min?.tokens).toBe(4096);
    expect(min?.source).toContain('prompt-caching');
    expect(minCacheable(table, 'claude-opus-5')?.tokens).toBe(512);
  });
});

describe('default models per provider', () => {
  it('names a model with a price row for every provider, and explicit models win', async () => {
    const { DEFAULT_MODEL_BY_PROVIDER, targetModel } = await import('../../src/run.js');
    const table = loadPriceTable();
    for (const [provider, model] of Object.entries(DEFAULT_MODEL_BY_PROVIDER)) expect(findPriceRow(table, model), provider).toBeDefined();
    expect(targetModel([undefined, 'gpt-4.1'], ['anthropic'])).toBe('gpt-4.1');
    expect(targetModel([undefined], [undefined, 'OpenAI'])).toBe('gpt-5.4');
    expect(targetModel([], [])).toBe('claude-sonnet-4-6');
  });
});
