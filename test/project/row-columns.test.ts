// Projection rows packed for the trip from the worker must unpack to exactly what finish() made, key
// order included (the json report prints keys in that order).
import fc from 'fast-check';
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { outcomeValues, RowBuilder, rowList, type RowTransport } from '../../src/project/row-columns.js';
import type { Outcome, ProjectedRequest } from '../../src/project/projection-summary.js';

const optional = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });
const money = fc.integer({ min: 0, max: 2 ** 52 });
const outcome: fc.Arbitrary<Outcome> = fc
  .record({ tokens: fc.nat(), read: fc.nat(), write: fc.nat(), uncached: fc.nat(), u: money, w: money, r: money, o: money, ttftMs: fc.double({ min: 0, max: 1e5, noNaN: true }) })
  .map(({ u, w, r, o, ...x }) => ({ tokens: x.tokens, read: x.read, write: x.write, uncached: x.uncached, pico: { uncached: u, write: w, read: r, output: o }, ttftMs: x.ttftMs }));

const row: fc.Arbitrary<ProjectedRequest> = fc
  .record({
    file: fc.constantFrom('a.jsonl', 'b/c.jsonl'),
    index: fc.nat(1e6),
    line: fc.nat(1e6),
    lineage: fc.string({ maxLength: 10 }),
    provider: fc.constantFrom('anthropic', 'openai'),
    model: fc.constantFrom('gpt-4o', 'claude-sonnet-4-5'),
    outputTokens: fc.nat(),
    now: outcome,
    fixed: optional(outcome),
    breaker: optional(fc.constantFrom('KV101', 'KV203')),
    reported: optional(fc.nat()),
    notCompared: optional(fc.constantFrom('the log does not hold the whole prompt')),
    reason: optional(fc.string()),
    byRule: optional(fc.dictionary(fc.constantFrom('KV101', 'KV203'), outcome, { minKeys: 1 })),
  })
  .map((f) => {
    const r: ProjectedRequest = { file: f.file, index: f.index, line: f.line, lineage: f.lineage, provider: f.provider, model: f.model, outputTokens: f.outputTokens, now: f.now };
    if (f.fixed) r.fixed = f.fixed;
    if (f.breaker) r.breaker = f.breaker;
    if (f.reported !== undefined) {
      r.reported = f.reported;
      if (f.notCompared) r.notCompared = f.notCompared;
      else if (f.reason !== undefined) r.reason = f.reason;
    }
    if (f.byRule) r.byRule = f.byRule;
    return r;
  });

/** Rows into a RowBuilder, as finishPacked() adds them: fields and outcomes first, per-rule outcomes after. */
function packRows(rows: readonly ProjectedRequest[]): RowTransport {
  const b = new RowBuilder();
  for (const r of rows) {
    const { now, fixed, byRule, ...fields } = r;
    const k = b.add(fields, outcomeValues(now), fixed);
    for (const [code, o] of Object.entries(byRule ?? {})) b.setByRule(k, code, o);
  }
  return b.transport();
}

describe('RowBuilder and rowList', () => {
  it('unpacks to the same rows, key for key, after a copy between threads', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 50 }), (rows) => {
        const back = Array.from(rowList(deserialize(serialize(packRows(rows)))));
        expect(JSON.stringify(back)).toBe(JSON.stringify(rows));
        expect(back).toEqual(rows);
        // read out of order, as a list
        const list = rowList(packRows(rows));
        for (let k = rows.length - 1; k >= 0; k--) expect(list.at(k)).toEqual(rows[k]);
      }),
      { numRuns: 200 },
    );
  });
});
