// Every lineage of a run while its log is read: the sums of its timeline and what it keeps of its
// previous request, as columns indexed by lineage id.
//
// Why columns: a stateless multi-user app logs one-request sessions, so a day of its traffic is hundreds
// of thousands of lineages, each alive until the report is written in case its session goes on. As
// objects (a state, a timeline, a previous request with its hashes and token counts) they took ~1 KB a
// lineage, most of the log worker's heap. Here a lineage is ~100 bytes of columns plus, once its text
// is dropped, one flat string with its links and token counts (src/logs/priors.ts, PackedInput). A
// previous request whose text is still kept stays an object, in a map of the few that are.
import { float64, int32, StringIds, uint8 } from '../columns.js';
import type { KvRequest } from '../model.js';
import type { BlockChain } from '../prefix/blocks.js';
import { packInput, type PackedInput, type PrevState } from './priors.js';
import type { LineageTimeline, TimelineEntry } from './types.js';

const NONE = -1;
const IN_SHARD = 1;

/** The `requests` of every timeline while its entries are columns (src/logs/timeline-store.ts): one array, not one per lineage. */
const NO_ENTRIES = Object.freeze([]) as unknown as TimelineEntry[];

export class LineageTable {
  private readonly idOf = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly strings = new StringIds();
  private readonly source = int32();
  private readonly provider = int32();
  private readonly firstFile = int32();
  private readonly firstIndex = int32();
  private readonly flags = uint8();
  /** requests in the timeline so far (their entries are in the TimelineStore) */
  private readonly count = int32();
  private readonly tokens = float64();
  private readonly reused = float64();
  private readonly lost = float64();
  private readonly breaks = int32();
  // the previous request once packed (prevSeq NONE: none, or it is in `live`)
  private readonly prevSeq = int32();
  private readonly prevTimelineIndex = int32();
  private readonly prevTotal = float64();
  /** NaN when unknown */
  private readonly prevTime = float64();
  /** NaN when its usage is unknown */
  private readonly prevCached = float64();
  /** string id, NONE when the log is one scope */
  private readonly prevScope = int32();
  private readonly packed: string[] = [];
  /** previous requests still held whole (their text is kept), by lineage id */
  private readonly live = new Map<number, PrevState>();
  /** engine block chains of packed previous requests (--engine only), by lineage id */
  private readonly chains = new Map<number, Map<number, BlockChain>>();

  /** The id of a lineage seen before, else undefined. */
  find(lineage: string): number | undefined {
    return this.idOf.get(lineage);
  }

  /** A new lineage opened by `req`; `inShard`: its timeline is reported. */
  open(req: KvRequest, inShard: boolean): number {
    const id = this.names.length;
    this.idOf.set(req.lineage, id);
    this.names.push(req.lineage);
    this.source.push(this.strings.id(req.lineageSource));
    this.provider.push(this.strings.id(req.provider));
    this.firstFile.push(this.strings.id(req.file));
    this.firstIndex.push(req.index);
    this.flags.push(inShard ? IN_SHARD : 0);
    for (const c of [this.count, this.breaks, this.prevTimelineIndex]) c.push(0);
    for (const c of [this.tokens, this.reused, this.lost, this.prevTotal]) c.push(0);
    for (const c of [this.prevTime, this.prevCached]) c.push(NaN);
    this.prevSeq.push(NONE);
    this.prevScope.push(NONE);
    this.packed.push('');
    return id;
  }

  inShard(id: number): boolean {
    return (this.flags.data[id]! & IN_SHARD) !== 0;
  }

  /** Entries in the lineage's timeline so far: the place of its next one. */
  entries(id: number): number {
    return this.count.data[id]!;
  }

  /** The lineage's previous request: held whole, or rebuilt around its packed input. */
  prev(id: number): PrevState | undefined {
    const whole = this.live.get(id);
    if (whole) return whole;
    const seq = this.prevSeq.data[id]!;
    if (seq === NONE) return undefined;
    const scope = this.prevScope.data[id]!;
    const time = this.prevTime.data[id]!;
    const cached = this.prevCached.data[id]!;
    return {
      seq,
      input: { packed: true, bytes: this.packed[id]! } satisfies PackedInput,
      ids: [],
      scope: scope === NONE ? undefined : this.strings.list[scope],
      total: this.prevTotal.data[id]!,
      time: Number.isNaN(time) ? undefined : time,
      cached: Number.isNaN(cached) ? undefined : cached,
      chains: this.chains.get(id),
      timelineIndex: this.prevTimelineIndex.data[id]!,
    };
  }

  /** Makes `prev` the lineage's previous request (held whole until pack()). */
  setPrev(id: number, prev: PrevState): void {
    this.live.set(id, prev);
    this.prevSeq.data[id] = NONE;
    this.packed[id] = '';
    this.chains.delete(id);
  }

  /** Drops the text of the lineage's previous request when it is request `seq`: packs it into the columns. */
  pack(lineage: string, seq: number): void {
    const id = this.idOf.get(lineage);
    const prev = id === undefined ? undefined : this.live.get(id);
    if (id === undefined || !prev || prev.seq !== seq || 'packed' in prev.input) return;
    this.live.delete(id);
    this.prevSeq.data[id] = prev.seq;
    this.prevTimelineIndex.data[id] = prev.timelineIndex;
    this.prevTotal.data[id] = prev.total;
    this.prevTime.data[id] = prev.time ?? NaN;
    this.prevCached.data[id] = prev.cached ?? NaN;
    this.prevScope.data[id] = prev.scope === undefined ? NONE : this.strings.id(prev.scope);
    this.packed[id] = packInput(prev.input).bytes;
    if (prev.chains) this.chains.set(id, prev.chains);
  }

  /** Adds a request's entry to the lineage's timeline sums. */
  addEntry(id: number, entry: Pick<TimelineEntry, 'tokens' | 'reusedTokens' | 'lostTokens'>): void {
    this.count.data[id]!++;
    this.tokens.data[id]! += entry.tokens;
    this.reused.data[id]! += entry.reusedTokens;
    this.lost.data[id]! += entry.lostTokens;
  }

  addBreak(id: number): void {
    this.breaks.data[id]!++;
  }

  /** The timelines of the lineages in the shard, in the order they opened, with their first request. */
  timelines(): { timeline: LineageTimeline; first: { file: string; index: number } }[] {
    const out: { timeline: LineageTimeline; first: { file: string; index: number } }[] = [];
    const s = this.strings.list;
    for (let id = 0; id < this.names.length; id++) {
      if (!this.inShard(id)) continue;
      out.push({
        timeline: {
          lineage: this.names[id]!,
          lineageSource: s[this.source.data[id]!]! as LineageTimeline['lineageSource'],
          provider: s[this.provider.data[id]!]!,
          requests: NO_ENTRIES,
          tokens: this.tokens.data[id]!,
          reusedTokens: this.reused.data[id]!,
          lostTokens: this.lost.data[id]!,
          breaks: this.breaks.data[id]!,
        },
        first: { file: s[this.firstFile.data[id]!]!, index: this.firstIndex.data[id]! },
      });
    }
    return out;
  }
}
