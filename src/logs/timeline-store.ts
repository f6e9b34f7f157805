// Every request's timeline entry, kept as columns while a log is analyzed, then handed to the main thread,
// where each lineage's `requests` is a LazyList that builds an entry when a formatter reads it.
//
// Why: a day of production traffic is hundreds of thousands of requests. As objects, their entries were
// the largest part of the capped worker's heap (~550 bytes each with their arrays) and were copied to the
// main thread by structured clone, which rebuilt every object and string (~1.8 KB each there, strings
// no longer shared): that copy, on top of the worker's heap, was the run's peak memory. As columns they
// take ~90 bytes each in the worker, plus 32 per new link of the prefix chain (bytes, not hex strings)
// and ~8 per field of a divergence or usage (FlatRecords: strings stored once), cross as a few typed
// arrays, and are built on the thread that prints them, as it reads them.
import { Buffer } from 'node:buffer';
import { FlatRecords, flatRecordReader, float64, int32, StringIds, uint8, type FlatRecordsTransport } from '../columns.js';
import { bytesOf, HASH_BYTES, writeHash } from '../prefix/hash-ids.js';
import type { ProviderCacheDiagnostics, ReportedUsage } from '../model.js';
import { LazyList } from '../list.js';
import type { LineageTimeline, LogAnalysis, LogView, TimelineDivergence, TimelineEntry } from './types.js';

const NONE = -1;
const APPROX = 1;
/** the entry's canonical links are its raw links (the usual case): they are not stored twice */
const CANONICAL_AS_RAW = 2;

type Blocks = NonNullable<TimelineEntry['hashes']['blocks']>;

/** The columns as they cross threads: typed arrays, a string table and sparse maps, all structured-cloneable. */
export interface TimelineTransport {
  count: number;
  strings: string[];
  lineage: Int32Array;
  index: Int32Array;
  file: Int32Array;
  line: Int32Array;
  /** NaN when unknown */
  time: Float64Array;
  /** string id, NONE when unknown */
  model: Int32Array;
  /** NONE for a lineage's first request */
  previous: Int32Array;
  tokens: Float64Array;
  reused: Float64Array;
  lost: Float64Array;
  flags: Uint8Array;
  segments: Int32Array;
  from: Int32Array;
  canonicalFrom: Int32Array;
  /** start of each entry's links in `links` (count + 1 values): its raw links, then its canonical ones */
  linkStart: Int32Array;
  rawLinks: Int32Array;
  /** the links, HASH_BYTES each (SHA-256 bytes: a third of their hex, and off the V8 heap) */
  links: Uint8Array;
  /** per entry, its usage's index in `records`, NONE when it has none */
  usageAt: Int32Array;
  /** per entry, its divergence's index in `records`, NONE when it has none (on a log of many short sessions, every entry has one) */
  divergenceAt: Int32Array;
  /** usages and divergences */
  records: FlatRecordsTransport;
  /** what few entries have, by entry */
  notes: Map<number, string[]>;
  /** the provider's cache diagnostics, by entry (few logs carry them) */
  providerDiagnostics: Map<number, ProviderCacheDiagnostics>;
  blocks: Map<number, Blocks>;
  /** the nearest prior, where it is not the previous request of the lineage: its lineage and file (string ids) and line; NONE when none */
  priorLineage: Int32Array;
  priorFile: Int32Array;
  priorLine: Int32Array;
}

/** Collects the entries of one analysis in arrival order (worker side). */
export class TimelineStore {
  private readonly strings = new StringIds();
  private readonly lineage = int32();
  private readonly index = int32();
  private readonly file = int32();
  private readonly line = int32();
  private readonly time = float64();
  private readonly model = int32();
  private readonly previous = int32();
  private readonly tokens = float64();
  private readonly reused = float64();
  private readonly lost = float64();
  private readonly flags = uint8();
  private readonly segments = int32();
  private readonly from = int32();
  private readonly canonicalFrom = int32();
  private readonly linkStart = int32();
  private readonly rawLinks = int32();
  private links = Buffer.from(new ArrayBuffer(HASH_BYTES * 4096));
  private linkCount = 0;
  private readonly usageAt = int32();
  private readonly divergenceAt = int32();
  private readonly records = new FlatRecords();
  private readonly notes = new Map<number, string[]>();
  private readonly providerDiagnostics = new Map<number, ProviderCacheDiagnostics>();
  private readonly blocks = new Map<number, Blocks>();
  // a one-request session's prior is another session's request: on a log of such sessions every entry has
  // one, so it is three columns rather than an object per entry
  private readonly priorLineage = int32();
  private readonly priorFile = int32();
  private readonly priorLine = int32();
  /** some entry's tokens are approximate */
  approx = false;

  constructor() {
    this.linkStart.push(0);
  }

  /** Appends one finished entry (it is not kept: later changes to it are not seen). */
  add(lineage: string, e: TimelineEntry): void {
    const seq = this.index.length;
    const h = e.hashes;
    const sameChains = h.canonicalFrom === h.from && h.canonicalChain.length === h.rawChain.length && h.canonicalChain.every((c, k) => c === h.rawChain[k]);
    this.lineage.push(this.strings.id(lineage));
    this.index.push(e.index);
    this.file.push(this.strings.id(e.file));
    this.line.push(e.line);
    this.time.push(e.time ?? NaN);
    this.model.push(e.model !== undefined ? this.strings.id(e.model) : NONE);
    this.previous.push(e.previous ?? NONE);
    this.tokens.push(e.tokens);
    this.reused.push(e.reusedTokens);
    this.lost.push(e.lostTokens);
    this.flags.push((e.approx ? APPROX : 0) | (sameChains ? CANONICAL_AS_RAW : 0));
    this.segments.push(h.segments);
    this.from.push(h.from);
    this.canonicalFrom.push(h.canonicalFrom);
    for (const l of h.rawChain) this.pushLink(l);
    if (!sameChains) for (const l of h.canonicalChain) this.pushLink(l);
    this.rawLinks.push(h.rawChain.length);
    this.linkStart.push(this.linkCount);
    this.usageAt.push(e.usage ? this.records.add(e.usage) : NONE);
    this.divergenceAt.push(e.divergence ? this.records.add(e.divergence) : NONE);
    if (e.notes) this.notes.set(seq, e.notes);
    if (e.providerDiagnostics) this.providerDiagnostics.set(seq, e.providerDiagnostics);
    if (h.blocks) this.blocks.set(seq, h.blocks);
    this.priorLineage.push(e.prior ? this.strings.id(e.prior.lineage) : NONE);
    this.priorFile.push(e.prior ? this.strings.id(e.prior.file) : NONE);
    this.priorLine.push(e.prior ? e.prior.line : NONE);
    if (e.approx) this.approx = true;
  }

  private pushLink(hex: string): void {
    if ((this.linkCount + 1) * HASH_BYTES > this.links.length) {
      const next = Buffer.from(new ArrayBuffer(this.links.length * 2));
      this.links.copy(next);
      this.links = next;
    }
    writeHash(this.links, this.linkCount++ * HASH_BYTES, hex);
  }

  /** The columns, trimmed, for postMessage or for expandTimelines on this thread. */
  transport(): TimelineTransport {
    return {
      count: this.index.length,
      strings: this.strings.list,
      lineage: this.lineage.used(),
      index: this.index.used(),
      file: this.file.used(),
      line: this.line.used(),
      time: this.time.used(),
      model: this.model.used(),
      previous: this.previous.used(),
      tokens: this.tokens.used(),
      reused: this.reused.used(),
      lost: this.lost.used(),
      flags: this.flags.used(),
      segments: this.segments.used(),
      from: this.from.used(),
      canonicalFrom: this.canonicalFrom.used(),
      linkStart: this.linkStart.used(),
      rawLinks: this.rawLinks.used(),
      links: new Uint8Array(this.links.subarray(0, this.linkCount * HASH_BYTES)),
      usageAt: this.usageAt.used(),
      divergenceAt: this.divergenceAt.used(),
      records: this.records.transport(),
      notes: this.notes,
      providerDiagnostics: this.providerDiagnostics,
      blocks: this.blocks,
      priorLineage: this.priorLineage.used(),
      priorFile: this.priorFile.used(),
      priorLine: this.priorLine.used(),
    };
  }
}

/** Reads entries by `seq`, each built with its keys in the order the analysis creates them (the json report prints that order). */
function entryReader(t: TimelineTransport): (seq: number) => TimelineEntry {
  const links = bytesOf(t.links);
  const record = flatRecordReader<object>(t.records);
  return (seq) => entryAt(t, links, record, seq);
}

function entryAt(t: TimelineTransport, links: Buffer, record: (k: number) => object, seq: number): TimelineEntry {
  const a = t.linkStart[seq]!;
  const raw = t.rawLinks[seq]!;
  const b = t.linkStart[seq + 1]!;
  const flags = t.flags[seq]!;
  const hex = (from: number, to: number): string[] => {
    const out: string[] = [];
    for (let k = from; k < to; k++) out.push(links.toString('hex', k * HASH_BYTES, (k + 1) * HASH_BYTES));
    return out;
  };
  const rawChain = hex(a, a + raw);
  const hashes: TimelineEntry['hashes'] = {
    segments: t.segments[seq]!,
    from: t.from[seq]!,
    rawChain,
    canonicalFrom: t.canonicalFrom[seq]!,
    canonicalChain: flags & CANONICAL_AS_RAW ? rawChain.slice() : hex(a + raw, b),
  };
  const blocks = t.blocks.get(seq);
  if (blocks) hashes.blocks = blocks;
  const e: TimelineEntry = {
    index: t.index[seq]!,
    file: t.strings[t.file[seq]!]!,
    line: t.line[seq]!,
    tokens: t.tokens[seq]!,
    approx: (flags & APPROX) !== 0,
    reusedTokens: t.reused[seq]!,
    lostTokens: t.lost[seq]!,
    hashes,
  };
  const time = t.time[seq]!;
  if (!Number.isNaN(time)) e.time = time;
  const model = t.model[seq]!;
  if (model !== NONE) e.model = t.strings[model]!;
  const usage = t.usageAt[seq]!;
  if (usage !== NONE) e.usage = record(usage) as ReportedUsage;
  const notes = t.notes.get(seq);
  if (notes) e.notes = notes;
  const pd = t.providerDiagnostics.get(seq);
  if (pd) e.providerDiagnostics = pd;
  const previous = t.previous[seq]!;
  if (previous !== NONE) e.previous = previous;
  const priorLineage = t.priorLineage[seq]!;
  if (priorLineage !== NONE) e.prior = { lineage: t.strings[priorLineage]!, file: t.strings[t.priorFile[seq]!]!, line: t.priorLine[seq]! };
  const divergence = t.divergenceAt[seq]!;
  if (divergence !== NONE) e.divergence = record(divergence) as TimelineDivergence;
  return e;
}

/** Fills every lineage's `requests` from the columns, in arrival order; returns the same analysis. */
export function expandTimelines(analysis: LogAnalysis, t: TimelineTransport): LogAnalysis {
  // the compact analysis's timelines share one empty `requests`: each gets its own here
  for (const l of analysis.lineages) l.requests = [];
  const byLineage = new Map<string, LineageTimeline>(analysis.lineages.map((l) => [l.lineage, l]));
  const timelines: (LineageTimeline | undefined)[] = t.strings.map((s) => byLineage.get(s));
  const entry = entryReader(t);
  for (let seq = 0; seq < t.count; seq++) timelines[t.lineage[seq]!]?.requests.push(entry(seq));
  return analysis;
}

/**
 * The analysis with each lineage's `requests` a LazyList over the columns: an entry is built each time it
 * is read, keys in the order the analysis creates them. The analysis's lineages (whose `requests` are
 * empty) are not changed.
 */
export function timelineViews(analysis: LogAnalysis, t: TimelineTransport): LogView {
  const entry = entryReader(t);
  // every lineage's entries, in arrival order: a counting sort of the entries by lineage string id
  const start = new Int32Array(t.strings.length + 1);
  for (let seq = 0; seq < t.count; seq++) start[t.lineage[seq]! + 1]!++;
  for (let id = 0; id < t.strings.length; id++) start[id + 1]! += start[id]!;
  const order = new Int32Array(t.count);
  const fill = start.slice(0, t.strings.length);
  for (let seq = 0; seq < t.count; seq++) order[fill[t.lineage[seq]!]!++] = seq;
  const idOf = new Map(t.strings.map((s, id) => [s, id]));
  return {
    ...analysis,
    lineages: analysis.lineages.map((l) => {
      const id = idOf.get(l.lineage);
      const from = id === undefined ? 0 : start[id]!;
      const count = id === undefined ? 0 : start[id + 1]! - from;
      return { ...l, requests: new LazyList(count, (k) => entry(order[from + k]!)) };
    }),
  };
}
