// What a Batch API request costs differs from the standard prices the projection uses: the note that
// says so, from the price table's data (a row's `batch_*_per_mtok` fields, or its provider's
// `batch_multiplier` default), never from a number in code.
import { findPriceRow, type PriceTable } from '../project/prices.js';

/** Price-row fields of batch rates, $/MTok, with their names in words. */
const BATCH_FIELDS: ReadonlyArray<readonly [field: string, what: string]> = [
  ['batch_input_per_mtok', 'input'],
  ['batch_cache_read_per_mtok', 'cached input'],
  ['batch_output_per_mtok', 'output'],
];

/** One sentence for a batch request's (provider, model): the batch rates the table has, or that it has none. */
export function batchPriceNote(table: PriceTable, provider: string, model: string): string {
  const row = findPriceRow(table, model);
  const rates = row ? BATCH_FIELDS.filter(([f]) => typeof row[f] === 'number').map(([f, what]) => `${what} $${row[f] as number}`) : [];
  const uses = 'the figures here use the standard prices';
  if (row && rates.length > 0) return `${model} was sent through a Batch API: its batch rates are ${rates.join(', ')} per MTok (price row ${row.model}, ${row.source}, as of ${row.as_of}); ${uses}`;
  const mult = table.defaults[provider]?.batch_multiplier;
  if (typeof mult === 'number') return `${model} was sent through a Batch API, billed at ${mult} × the standard prices (price table defaults.${provider}.batch_multiplier); ${uses}`;
  return `${model} was sent through a Batch API, whose rates differ, but the price table has no batch rates for it; ${uses}`;
}
