// The projection's per-request rows as columns: the log worker builds them so (RowBuilder), hands them to
// the main thread, and rowList builds each row object there when it is read (the json formatter writes
// them one at a time), keys in the order the report prints.
// As objects, every row with its outcomes took ~270 bytes of the capped worker's heap, and structured
// clone then copied each object and string (file, lineage, model: one copy per row); as columns a row is
// ~150 bytes of typed arrays, off that heap.
import { float64, int32, StringIds, uint8 } from '../columns.js';
import { LazyList } from '../list.js';
import type { Outcome, ProjectedRequest, ProjectionParts } from './projection-summary.js';

const NONE = -1;
/** numbers per outcome: tokens, read, write, uncached, pico (uncached, write, read, output), ttftMs */
export const OUTCOME = 9;

export interface RowTransport {
  count: number;
  strings: string[];
  /** file, lineage, provider, model, breaker, notCompared, reason: string ids (NONE when absent) */
  ids: Int32Array;
  /** index, line, outputTokens, reported, noCache pico, noCache ttftMs, reportedWrite, reportedInput, reportedPico (NaN when absent) */
  nums: Float64Array;
  /** `now` of every row, then the `fixed` outcomes in row order */
  outcomes: Float64Array;
  /** row has a `fixed` outcome */
  hasFixed: Uint8Array;
  /** byRule is rare: kept as it is */
  byRule: Map<number, Record<string, Outcome>>;
  /** --group-by: `fields` value ids per row into `values` (NONE: the request has no value) */
  groups?: { fields: number; values: string[]; ids: Int32Array };
}

const IDS = 7;
const NUMS = 9;

/** Where an outcome's write cost (pico-dollars) sits among its numbers. */
export const PICO_WRITE = 5;

/** An outcome's numbers in column order. */
export function outcomeValues(o: Outcome): number[] {
  return [o.tokens, o.read, o.write, o.uncached, o.pico.uncached, o.pico.write, o.pico.read, o.pico.output, o.ttftMs];
}

/** The outcome at `k` of a column of outcomes (OUTCOME numbers each). */
export function outcomeAt(v: ArrayLike<number>, k: number): Outcome {
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

/** Does outcome `o` equal the one at `k` of a column? */
export function sameAsAt(o: Outcome, v: ArrayLike<number>, k: number): boolean {
  const a = k * OUTCOME;
  return (
    o.tokens === v[a] &&
    o.read === v[a + 1] &&
    o.write === v[a + 2] &&
    o.uncached === v[a + 3] &&
    o.pico.uncached === v[a + 4] &&
    o.pico.write === v[a + 5] &&
    o.pico.read === v[a + 6] &&
    o.pico.output === v[a + 7] &&
    o.ttftMs === v[a + 8]
  );
}

/** A row's fields other than its outcomes. */
export type RowFields = Omit<ProjectedRequest, 'now' | 'fixed' | 'byRule'>;

/** Packs rows one at a time (the projection builds them without ever making the row objects). */
export class RowBuilder {
  private readonly strings = new StringIds();
  private readonly ids = int32();
  private readonly nums = float64();
  private readonly now = float64();
  private readonly fixed = float64();
  private readonly hasFixed = uint8();
  private readonly byRule = new Map<number, Record<string, Outcome>>();

  get length(): number {
    return this.hasFixed.length;
  }

  /** Appends a row; `now` is its outcome's OUTCOME numbers. Returns the row's index. */
  add(r: RowFields, now: ArrayLike<number>, fixed?: Outcome): number {
    const id = (s: string | undefined): number => (s === undefined ? NONE : this.strings.id(s));
    for (const s of [r.file, r.lineage, r.provider, r.model, r.breaker, r.notCompared, r.reason]) this.ids.push(id(s));
    for (const n of [r.index, r.line, r.outputTokens, r.reported ?? NaN, r.noCache?.pico ?? NaN, r.noCache?.ttftMs ?? NaN, r.reportedWrite ?? NaN, r.reportedInput ?? NaN, r.reportedPico ?? NaN]) this.nums.push(n);
    for (let k = 0; k < OUTCOME; k++) this.now.push(now[k]!);
    this.hasFixed.push(fixed ? 1 : 0);
    if (fixed) for (const v of outcomeValues(fixed)) this.fixed.push(v);
    return this.hasFixed.length - 1;
  }

  /** Row `k`'s outcome with one rule's breakers fixed (added in rule order). */
  setByRule(k: number, code: string, o: Outcome): void {
    let m = this.byRule.get(k);
    if (!m) this.byRule.set(k, (m = {}));
    m[code] = o;
  }

  transport(): RowTransport {
    const outcomes = new Float64Array(this.now.length + this.fixed.length);
    outcomes.set(this.now.data.subarray(0, this.now.length));
    outcomes.set(this.fixed.data.subarray(0, this.fixed.length), this.now.length);
    return { count: this.length, strings: this.strings.list, ids: this.ids.used(), nums: this.nums.used(), outcomes, hasFixed: this.hasFixed.used(), byRule: this.byRule };
  }
}

/** Row `k` built from the columns; `fixedAt[k]`: where its fixed outcome is (rows without one: unused). */
function rowAt(t: RowTransport, fixedAt: Int32Array, k: number): ProjectedRequest {
  const str = (id: number): string | undefined => (id === NONE ? undefined : t.strings[id]);
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
  if (t.hasFixed[k]) row.fixed = outcomeAt(t.outcomes, fixedAt[k]!);
  const breaker = str(t.ids[i + 4]!);
  if (breaker !== undefined) row.breaker = breaker;
  const coldPico = t.nums[n + 4]!;
  if (!Number.isNaN(coldPico)) row.noCache = { pico: coldPico, ttftMs: t.nums[n + 5]! };
  const reported = t.nums[n + 3]!;
  if (!Number.isNaN(reported)) row.reported = reported;
  const reportedWrite = t.nums[n + 6]!;
  if (!Number.isNaN(reportedWrite)) row.reportedWrite = reportedWrite;
  const reportedInput = t.nums[n + 7]!;
  if (!Number.isNaN(reportedInput)) row.reportedInput = reportedInput;
  const reportedPico = t.nums[n + 8]!;
  if (!Number.isNaN(reportedPico)) row.reportedPico = reportedPico;
  const notCompared = str(t.ids[i + 5]!);
  if (notCompared !== undefined) row.notCompared = notCompared;
  const reason = str(t.ids[i + 6]!);
  if (reason !== undefined) row.reason = reason;
  const byRule = t.byRule.get(k);
  if (byRule) row.byRule = byRule;
  if (t.groups) {
    const { fields, values, ids } = t.groups;
    row.groups = Array.from(ids.subarray(k * fields, (k + 1) * fields), (id) => (id === NONE ? null : values[id]!));
  }
  return row;
}

/** Adds each row's --group-by values, looked up by the row's file and place in it. */
export function attachGroups(t: RowTransport, fields: number, groupsOf: (file: string, index: number) => readonly (string | null)[] | undefined): void {
  const values = new StringIds();
  const ids = new Int32Array(t.count * fields).fill(NONE);
  for (let k = 0; k < t.count; k++) {
    const g = groupsOf(t.strings[t.ids[k * IDS]!]!, t.nums[k * NUMS]!);
    if (!g) continue;
    for (let j = 0; j < fields; j++) {
      const v = g[j];
      if (v !== null && v !== undefined) ids[k * fields + j] = values.id(v);
    }
  }
  t.groups = { fields, values: values.list, ids };
}

/** The rows as finish() made them, each built when read. */
export function rowList(t: RowTransport): LazyList<ProjectedRequest> {
  // fixed outcomes follow the `now` ones, in row order: where each row's is
  const fixedAt = new Int32Array(t.count);
  let next = t.count;
  for (let k = 0; k < t.count; k++) if (t.hasFixed[k]) fixedAt[k] = next++;
  return new LazyList(t.count, (k) => rowAt(t, fixedAt, k));
}

/** The projection's parts with its rows packed: what finishPacked() returns and the worker posts. */
export type PackedProjection = Omit<ProjectionParts, 'requests'> & { rows: RowTransport };

/** The parts summarizeProjection takes, the rows as a list that builds each one when it is read. */
export function unpackParts({ rows, ...parts }: PackedProjection): ProjectionParts {
  return { ...parts, requests: rowList(rows) };
}
