// The batch-price note reads the table's data: a row's batch rates, else its provider's multiplier.
import { describe, expect, it } from 'vitest';
import { batchPriceNote } from '../../src/logs/batch-prices.js';
import { loadPriceTable, withConfigPrices } from '../../src/project/prices.js';

describe('batch price note', () => {
  const table = loadPriceTable();

  it('says the shipped Anthropic multiplier, and that OpenAI rows have no batch rates', () => {
    expect(batchPriceNote(table, 'anthropic', 'claude-sonnet-4-5')).toBe(
      'claude-sonnet-4-5 was sent through a Batch API, billed at 0.5 × the standard prices (price table defaults.anthropic.batch_multiplier); the figures here use the standard prices',
    );
    expect(batchPriceNote(table, 'openai', 'gpt-4.1')).toMatch(/the price table has no batch rates for it/);
  });

  it('names a row’s own batch rates (a config may add them) with the row’s source', () => {
    const own = withConfigPrices(table, { 'gpt-4.1': { provider: 'openai', input_per_mtok: 2, batch_input_per_mtok: 1, batch_output_per_mtok: 4, source: 'our invoice', as_of: '2026-11-01' } }, 'kvlint.config.yaml');
    expect(batchPriceNote(own, 'openai', 'gpt-4.1')).toBe(
      'gpt-4.1 was sent through a Batch API: its batch rates are input $1, output $4 per MTok (price row gpt-4.1, our invoice, as of 2026-11-01); the figures here use the standard prices',
    );
  });
});
