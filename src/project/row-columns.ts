// The projection's per-request rows, packed into columns to cross from the log worker to the main thread.
// Structured clone copies every row object, its outcomes and every string in them (file, lineage, model:
// one copy per row), and the copy was the largest part of a many-request run's peak memory. Packed, a row
// is ~150 bytes of typed arrays; unpackRows builds the objects once, on the thread that prints them, with
// their keys in the order finish() creates them (the json report prints that order).
import { float64, int32, StringIds, uint8 } from '../columns.js';
import type { Outcome, ProjectedRequest } from './projection-summary.js';

const NONE = -1;
/** numbers per outcome: tokens, read, write, uncached, pico (uncached, write, read, output), ttftMs */
const OUTCOME = 9;

export interface RowTransport {
  count: number;
  strings: string[];
  /** file, lineage, provider, model, breaker, notCompared, reason: string ids (NONE when absent) */
  ids: Int32Array;
  /** index, line, outputTokens, reported (NaN when absent) */
  nums: Float64Array;
  /** `now` of every row, then the `fixed` outcomes in row order */
  outcomes: Float64Array;
  /** row has a `fixed` outcome */
  hasFixed: Uint8Array;
  /** byRule is rare: kept as it is */
  byRule: Map<number, Record<string, Outcome>>;
}

const IDS = 7;
const NUMS = 4;

function pushOutcome(col: ReturnType<typeof float64>, o: Outcome): void {
  col.push(o.tokens);
  col.push(o.read);
  col.push(o.write);
  col.push(o.uncached);
  col.push(o.pico.uncached);
  col.push(o.pico.write);
  col.push(o.pico.read);
  col.push(o.pico.output);
  col.push(o.ttftMs);
}

function outcomeAt(v: Float64Array, k: number): Outcome {
  const a = k * OUTCOME;
  return {
    tokens: v[a]!,
    read: v[a + 1]!,
    write: v[a + 2]!,
    uncached: v[a + 3]!,
    pico: { uncached: v[a + 4]!, write: v[a + 5]!, read: v[a + 6]!, output: v[a + 7]! },
    ttftMs: v[a + 8]!,
  };
}

/** Packs rows for another thread. */
export function packRows(rows: readonly ProjectedRequest[]): RowTransport {
  const strings = new StringIds();
  const id = (s: string | undefined): number => (s === undefined ? NONE : strings.id(s));
  const ids = int32(rows.length * IDS + 1);
  const nums = float64(rows.length * NUMS + 1);
  const now = float64(rows.length * OUTCOME + 1);
  const fixed = float64();
  const hasFixed = uint8(rows.length + 1);
  const byRule = new Map<number, Record<string, Outcome>>();
  rows.forEach((r, k) => {
    for (const s of [r.file, r.lineage, r.provider, r.model, r.breaker, r.notCompared, r.reason]) ids.push(id(s));
    for (const n of [r.index, r.line, r.outputTokens, r.reported ?? NaN]) nums.push(n);
    pushOutcome(now, r.now);
    hasFixed.push(r.fixed ? 1 : 0);
    if (r.fixed) pushOutcome(fixed, r.fixed);
    if (r.byRule) byRule.set(k, r.byRule);
  });
  const outcomes = new Float64Array(now.length + fixed.length);
  outcomes.set(now.data.subarray(0, now.length));
  outcomes.set(fixed.data.subarray(0, fixed.length), now.length);
  return { count: rows.length, strings: strings.list, ids: ids.used(), nums: nums.used(), outcomes, hasFixed: hasFixed.used(), byRule };
}

/** The rows again, as finish() made them. */
export function unpackRows(t: RowTransport): ProjectedRequest[] {
  const out: ProjectedRequest[] = [];
  const str = (k: number): string | undefined => (k === NONE ? undefined : t.strings[k]);
  let nextFixed = t.count; // fixed outcomes follow the `now` ones, in row order
  for (let k = 0; k < t.count; k++) {
    const i = k * IDS;
    const n = k * NUMS;
    const row: ProjectedRequest = {
      file: str(t.ids[i]!)!,
      index: t.nums[n]!,
      line: t.nums[n + 1]!,
      lineage: str(t.ids[i + 1]!)!,
      provider: str(t.ids[i + 2]!)!,
      model: str(t.ids[i + 3]!)!,
      outputTokens: t.nums[n + 2]!,
      now: outcomeAt(t.outcomes, k),
    };
    if (t.hasFixed[k]) row.fixed = outcomeAt(t.outcomes, nextFixed++);
    const breaker = str(t.ids[i + 4]!);
    if (breaker !== undefined) row.breaker = breaker;
    const reported = t.nums[n + 3]!;
    if (!Number.isNaN(reported)) row.reported = reported;
    const notCompared = str(t.ids[i + 5]!);
    if (notCompared !== undefined) row.notCompared = notCompared;
    const reason = str(t.ids[i + 6]!);
    if (reason !== undefined) row.reason = reason;
    const byRule = t.byRule.get(k);
    if (byRule) row.byRule = byRule;
    out.push(row);
  }
  return out;
}
