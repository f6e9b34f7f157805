// What the log projection keeps of every request until its replay, stored as columns of typed arrays.
// A log of many small requests (a day of production traffic) holds hundreds of thousands of them: as one
// object per request, with its per-segment arrays, they took ~800 bytes each and were the largest part
// of the capped worker's heap. As columns they take ~60 bytes plus ~9 per segment, and the garbage
// collector has almost nothing to trace. `get` rebuilds one request's view when the replay needs it.
import type { ReportedUsage } from '../model.js';
import type { SimBreakpoint } from '../simulate/types.js';
import { float64, int32, StringIds, uint8 } from '../columns.js';

/** One recorded request, as the projection reads it back (see RequestColumns.get). */
export interface Recorded {
  seq: number;
  /** position in its file */
  index: number;
  file: string;
  line: number;
  lineage: string;
  provider: string;
  model: string;
  time?: number;
  /** tokens through the end of each segment */
  cum: ArrayLike<number>;
  /** interned raw chain id through each segment */
  chain: ArrayLike<number>;
  /** with its breaker fixed, the request shares its first `fixedN` segments with request `fixedSeq` */
  fixedN?: number;
  fixedSeq?: number;
  breakpoints: SimBreakpoint[];
  autoCache: boolean;
  messageEnds: number[];
  implicitBreakpoint?: number;
  /** the nearest prior (the earlier request, any session, sharing the longest prefix), whole segments and tokens shared with it */
  priorSeq?: number;
  sharedSegments: number;
  sharedTokens: number;
  /** cache scope (--cache-scope) */
  scope?: string;
  /** reported in this shard (priced into the rows); every request is replayed either way */
  inShard: boolean;
  divergence?: { segment: number; cause: string; code?: string };
  usage?: ReportedUsage;
  incomplete: boolean;
  counted: number;
}

/** What add() takes: a request's figures, per-segment values as plain arrays. */
export type RecordedInput = Omit<Recorded, 'seq' | 'cum' | 'chain'> & { cum: readonly number[]; chain: readonly number[] };

const NONE = -1;
const AUTO_CACHE = 1;
const INCOMPLETE = 2;
const OUT_OF_SHARD = 4;
const MESSAGE_END = 1;

/** Every recorded request, in arrival order (seq = position). */
export class RequestColumns {
  private readonly strings = new StringIds();
  private readonly index = int32();
  private readonly line = int32();
  private readonly file = int32();
  private readonly lineage = int32();
  private readonly provider = int32();
  private readonly model = int32();
  /** epoch ms, NaN when unknown */
  private readonly time = float64();
  private readonly flags = uint8();
  private readonly fixedN = int32();
  private readonly fixedSeq = int32();
  private readonly implicitBreakpoint = int32();
  private readonly sharedSegments = int32();
  private readonly sharedTokens = float64();
  private readonly priorSeq = int32();
  /** string id, NONE when the log is one scope */
  private readonly scope = int32();
  private readonly counted = float64();
  /** start of each request's segments in the per-segment columns (one more entry than requests) */
  private readonly segStart = int32();
  private readonly cum = float64(4096);
  private readonly chain = int32(4096);
  private readonly segFlags = uint8(4096);
  /** start of each request's breakpoints (one more entry than requests) */
  private readonly bpStart = int32();
  private readonly bpSegment = int32(256);
  private readonly bpOneHour = uint8(256);
  /** rare, so kept sparse */
  private readonly usages = new Map<number, ReportedUsage>();
  private readonly divergences = new Map<number, NonNullable<Recorded['divergence']>>();

  constructor() {
    this.segStart.push(0);
    this.bpStart.push(0);
  }

  get length(): number {
    return this.index.length;
  }

  /** Appends a request; returns its seq. */
  add(r: RecordedInput): number {
    const seq = this.index.length;
    this.index.push(r.index);
    this.line.push(r.line);
    this.file.push(this.strings.id(r.file));
    this.lineage.push(this.strings.id(r.lineage));
    this.provider.push(this.strings.id(r.provider));
    this.model.push(this.strings.id(r.model));
    this.time.push(r.time ?? NaN);
    this.flags.push((r.autoCache ? AUTO_CACHE : 0) | (r.incomplete ? INCOMPLETE : 0) | (r.inShard ? 0 : OUT_OF_SHARD));
    this.fixedN.push(r.fixedN ?? NONE);
    this.fixedSeq.push(r.fixedSeq ?? NONE);
    this.implicitBreakpoint.push(r.implicitBreakpoint ?? NONE);
    this.sharedSegments.push(r.sharedSegments);
    this.sharedTokens.push(r.sharedTokens);
    this.priorSeq.push(r.priorSeq ?? NONE);
    this.scope.push(r.scope !== undefined ? this.strings.id(r.scope) : NONE);
    this.counted.push(r.counted);
    let e = 0; // messageEnds ascend
    for (let k = 0; k < r.cum.length; k++) {
      this.cum.push(r.cum[k]!);
      this.chain.push(r.chain[k]!);
      const end = r.messageEnds[e] === k;
      if (end) e++;
      this.segFlags.push(end ? MESSAGE_END : 0);
    }
    this.segStart.push(this.cum.length);
    for (const b of r.breakpoints) {
      this.bpSegment.push(b.segment);
      this.bpOneHour.push(b.ttl === '1h' ? 1 : 0);
    }
    this.bpStart.push(this.bpSegment.length);
    if (r.usage) this.usages.set(seq, r.usage);
    if (r.divergence) this.divergences.set(seq, r.divergence);
    return seq;
  }

  /** Cheap field reads for loops over every request (no view is built). */
  lineageOf(seq: number): string {
    return this.strings.list[this.lineage.data[seq]!]!;
  }
  usageOf(seq: number): ReportedUsage | undefined {
    return this.usages.get(seq);
  }
  divergenceOf(seq: number): Recorded['divergence'] {
    return this.divergences.get(seq);
  }
  hasFix(seq: number): boolean {
    return this.fixedN.data[seq] !== NONE;
  }
  inShard(seq: number): boolean {
    return (this.flags.data[seq]! & OUT_OF_SHARD) === 0;
  }
  priorOf(seq: number): number {
    return this.priorSeq.data[seq]!;
  }
  fixedSeqOf(seq: number): number {
    return this.fixedSeq.data[seq]!;
  }

  /** seq 0…length-1 */
  *keys(): IterableIterator<number> {
    for (let seq = 0; seq < this.length; seq++) yield seq;
  }

  /** Every request's view, in arrival order. */
  *[Symbol.iterator](): IterableIterator<Recorded> {
    for (let seq = 0; seq < this.length; seq++) yield this.get(seq);
  }

  /** A request's interned chain ids, without building its whole view. */
  chainOf(seq: number): Int32Array {
    return this.chain.data.subarray(this.segStart.data[seq]!, this.segStart.data[seq + 1]!);
  }

  /** One request's view; per-segment figures are views of the columns (read-only by convention). */
  get(seq: number): Recorded {
    const s = this.strings.list;
    const a = this.segStart.data[seq]!;
    const b = this.segStart.data[seq + 1]!;
    const messageEnds: number[] = [];
    for (let k = a; k < b; k++) if (this.segFlags.data[k]! & MESSAGE_END) messageEnds.push(k - a);
    const breakpoints: SimBreakpoint[] = [];
    for (let k = this.bpStart.data[seq]!; k < this.bpStart.data[seq + 1]!; k++) {
      breakpoints.push({ segment: this.bpSegment.data[k]!, ttl: this.bpOneHour.data[k] ? '1h' : '5m' });
    }
    const flags = this.flags.data[seq]!;
    const r: Recorded = {
      seq,
      index: this.index.data[seq]!,
      file: s[this.file.data[seq]!]!,
      line: this.line.data[seq]!,
      lineage: s[this.lineage.data[seq]!]!,
      provider: s[this.provider.data[seq]!]!,
      model: s[this.model.data[seq]!]!,
      cum: this.cum.data.subarray(a, b),
      chain: this.chain.data.subarray(a, b),
      breakpoints,
      autoCache: (flags & AUTO_CACHE) !== 0,
      messageEnds,
      sharedSegments: this.sharedSegments.data[seq]!,
      sharedTokens: this.sharedTokens.data[seq]!,
      incomplete: (flags & INCOMPLETE) !== 0,
      inShard: (flags & OUT_OF_SHARD) === 0,
      counted: this.counted.data[seq]!,
    };
    const time = this.time.data[seq]!;
    if (!Number.isNaN(time)) r.time = time;
    const fixedN = this.fixedN.data[seq]!;
    if (fixedN !== NONE) {
      r.fixedN = fixedN;
      r.fixedSeq = this.fixedSeq.data[seq]!;
    }
    const scope = this.scope.data[seq]!;
    if (scope !== NONE) r.scope = s[scope]!;
    const ib = this.implicitBreakpoint.data[seq]!;
    if (ib !== NONE) r.implicitBreakpoint = ib;
    const prior = this.priorSeq.data[seq]!;
    if (prior !== NONE) r.priorSeq = prior;
    const usage = this.usages.get(seq);
    if (usage) r.usage = usage;
    const d = this.divergences.get(seq);
    if (d) r.divergence = d;
    return r;
  }
}
