// The projection's per-lineage figures (`byLineage`): each lineage's totals now and fixed, costliest
// saving first, built when read.
//
// Why not one accumulator per lineage: a stateless multi-user app logs one-request sessions, so a log of
// 100,000 requests has 100,000 lineages, and two running totals each (with their BigInt sums and TTFT
// lists) came to ~900 bytes a lineage on the thread that prints the report — the largest part of its
// memory. Here a lineage costs a few numbers (its name, its rows' place, and its saving to sort by); its
// totals are summed from its rows, exactly as the run's totals are, each time an entry is read. The json
// formatter reads each entry once; the others read the first few.
import { float64, int32 } from '../columns.js';
import { LazyList, type List } from '../list.js';
import { compareStrings } from '../report.js';
import { savings, TotalsAcc, type Outcome, type Savings, type Totals } from './cost.js';

/** One lineage's figures: now, with its breakers fixed, and the difference. */
export interface LineageEntry {
  lineage: string;
  now: Totals;
  fixed: Totals;
  savings: Savings;
}

/** What an entry is summed from: a priced request. */
interface Row {
  lineage: string;
  outputTokens: number;
  now: Outcome;
  fixed?: Outcome;
  noCache?: { pico: number; ttftMs: number };
}

function picoTotal(o: Outcome): number {
  return o.pico.uncached + o.pico.write + o.pico.read + o.pico.output;
}

/** Micro-dollars of a non-negative pico sum, rounded half up as toMicro rounds (exact below 2^53 pico, $9,007). */
function microOf(pico: number): number {
  return Math.floor((pico + 500_000) / 1_000_000);
}

/** Collects the lineage of each row in order (add), then lists the lineages' entries (list). */
export class LineageTotals {
  private readonly idOf = new Map<string, number>();
  private readonly names: string[] = [];
  /** lineage id of each row, in row order */
  private readonly rowLineage = int32();
  /** per lineage: its rows' cost now and fixed, pico-dollars (the sort key only; entries are summed exactly) */
  private readonly nowPico = float64();
  private readonly fixedPico = float64();

  add(r: Row): void {
    let id = this.idOf.get(r.lineage);
    if (id === undefined) {
      id = this.names.length;
      this.idOf.set(r.lineage, id);
      this.names.push(r.lineage);
      this.nowPico.push(0);
      this.fixedPico.push(0);
    }
    this.rowLineage.push(id);
    this.nowPico.data[id]! += picoTotal(r.now);
    this.fixedPico.data[id]! += picoTotal(r.fixed ?? r.now);
  }

  /**
   * The entries, most saved first (then by lineage), each summed from `rows` (the rows added, in the same
   * order) when it is read.
   */
  list(rows: List<Row>): List<LineageEntry> {
    const n = this.names.length;
    const rowCount = this.rowLineage.length;
    const lineageOf = this.rowLineage.data;
    // each lineage's rows, in row order: a counting sort of the rows by lineage
    const start = new Int32Array(n + 1);
    for (let i = 0; i < rowCount; i++) start[lineageOf[i]! + 1]!++;
    for (let id = 0; id < n; id++) start[id + 1]! += start[id]!;
    const order = new Int32Array(rowCount);
    const fill = start.slice(0, n);
    for (let i = 0; i < rowCount; i++) order[fill[lineageOf[i]!]!++] = i;
    const saved = new Float64Array(n);
    for (let id = 0; id < n; id++) saved[id] = microOf(this.nowPico.data[id]!) - microOf(this.fixedPico.data[id]!);
    const names = this.names;
    const sorted = Int32Array.from({ length: n }, (_, id) => id).sort((a, b) => saved[b]! - saved[a]! || compareStrings(names[a]!, names[b]!));
    return new LazyList(n, (k) => {
      const id = sorted[k]!;
      const now = new TotalsAcc();
      const fixed = new TotalsAcc();
      for (let j = start[id]!; j < start[id + 1]!; j++) {
        const r = rows.at(order[j]!)!;
        now.add(r.now, r.outputTokens, r.noCache);
        fixed.add(r.fixed ?? r.now, r.outputTokens, r.noCache);
      }
      const n0 = now.totals();
      const f0 = fixed.totals();
      return { lineage: names[id]!, now: n0, fixed: f0, savings: savings(n0, f0) };
    });
  }
}
