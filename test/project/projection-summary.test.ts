// summarizeProjection reads the rows once, into running sums (they may be built as they are read: a
// LazyList over the worker's columns). Its figures must be exactly those of the definition, written out
// here the plain way: one full pass over the rows per total, with every scenario's outcome picked per row.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { savings, totalsOf, type Totals } from '../../src/project/cost.js';
import { LazyList } from '../../src/list.js';
import { summarizeProjection, type Outcome, type ProjectedRequest, type ProjectionParts } from '../../src/project/projection-summary.js';

const money = fc.integer({ min: 0, max: 2 ** 40 });
const outcome: fc.Arbitrary<Outcome> = fc
  .record({ tokens: fc.nat(1e6), read: fc.nat(1e6), write: fc.nat(1e6), uncached: fc.nat(1e6), u: money, w: money, r: money, o: money, ttftMs: fc.double({ min: 0, max: 1e5, noNaN: true }) })
  .map(({ u, w, r, o, ...x }) => ({ ...x, pico: { uncached: u, write: w, read: r, output: o } }));
const row: fc.Arbitrary<ProjectedRequest> = fc
  .record({
    index: fc.nat(1e6),
    lineage: fc.constantFrom('a', 'b', 'c', 'd'),
    outputTokens: fc.nat(1e4),
    now: outcome,
    fixed: fc.option(outcome, { nil: undefined }),
    breaker: fc.option(fc.constantFrom('KV101', 'KV203', 'KV301'), { nil: undefined }),
    byRule: fc.option(fc.dictionary(fc.constantFrom('KV101', 'KV203', 'KV999'), outcome, { minKeys: 1 }), { nil: undefined }),
    reported: fc.option(fc.nat(1e6), { nil: undefined }),
    reason: fc.option(fc.constantFrom('a cache write the log does not show'), { nil: undefined }),
  })
  .map((f) => {
    const r: ProjectedRequest = { file: 'x.jsonl', index: f.index, line: f.index + 1, lineage: f.lineage, provider: 'openai', model: 'gpt-4o', outputTokens: f.outputTokens, now: f.now };
    if (f.fixed) r.fixed = f.fixed;
    if (f.breaker) r.breaker = f.breaker;
    if (f.byRule) r.byRule = f.byRule;
    if (f.reported !== undefined) {
      r.reported = f.reported;
      if (f.reason) r.reason = f.reason;
    }
    return r;
  });

function parts(requests: ProjectionParts['requests']): ProjectionParts {
  return {
    targets: [],
    unpriced: [],
    ttftBasis: 'test',
    byFinding: [],
    calibration: [],
    basis: { requests: requests.length, timed: 0, withOutput: 0, fromUsage: 0, atReported: 0 },
    requests,
    ruleIds: { KV101: 'no-timestamp' },
  };
}

/** The figures by their definition. */
function byDefinition(rows: ProjectedRequest[]) {
  const sum = (list: ProjectedRequest[], pick: (r: ProjectedRequest) => Outcome): Totals => totalsOf(list, pick, (r) => r.outputTokens);
  const nowT = sum(rows, (r) => r.now);
  const fixedT = sum(rows, (r) => r.fixed ?? r.now);
  const codes = [...new Set(rows.flatMap((r) => (r.breaker ? [r.breaker] : [])))];
  const byRule = codes.map((code) => ({ code, breaks: rows.filter((r) => r.breaker === code).length, savings: savings(nowT, sum(rows, (r) => r.byRule?.[code] ?? r.now)) }));
  const lineages = [...new Set(rows.map((r) => r.lineage))];
  const byLineage = lineages.map((lineage) => {
    const list = rows.filter((r) => r.lineage === lineage);
    const n = sum(list, (r) => r.now);
    const f = sum(list, (r) => r.fixed ?? r.now);
    return { lineage, now: n, fixed: f, savings: savings(n, f) };
  });
  return { total: { now: nowT, fixed: fixedT, savings: savings(nowT, fixedT) }, byRule, byLineage };
}

describe('summarizeProjection', () => {
  it('sums rows read once to exactly the figures of the definition, from an array or a LazyList; a lineage entry reads its rows again', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 60 }), (rows) => {
        const want = byDefinition(rows);
        let reads = 0;
        const lazy = new LazyList(rows.length, (i) => (reads++, rows[i]!));
        for (const input of [rows, lazy]) {
          const p = summarizeProjection(parts(input));
          expect(reads).toBe(input === lazy ? rows.length : 0);
          expect(p.total).toEqual(want.total);
          // the summary orders these by money saved; the definition lists them as found
          expect([...p.byRule].sort((a, b) => a.code.localeCompare(b.code)).map(({ ruleId: _r, ...x }) => x)).toEqual([...want.byRule].sort((a, b) => a.code.localeCompare(b.code)));
          // per-lineage entries are summed from their rows when read: each row once more
          expect([...p.byLineage].sort((a, b) => a.lineage.localeCompare(b.lineage))).toEqual([...want.byLineage].sort((a, b) => a.lineage.localeCompare(b.lineage)));
          expect(reads).toBe(input === lazy ? 2 * rows.length : 0);
          const saved = [...p.byLineage].map((l) => l.savings.total);
          expect(saved).toEqual([...saved].sort((a, b) => b - a));
          expect(p.agreement.compared).toBe(rows.filter((r) => r.reported !== undefined).length);
          expect(p.agreement.exact).toBe(rows.filter((r) => r.reported !== undefined && r.reported === r.now.read).length);
        }
      }),
      { seed: 3, numRuns: 300 },
    );
  });
});
