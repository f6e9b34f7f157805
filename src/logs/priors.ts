// Finding each request's nearest prior: the prefix index over all traffic (src/prefix/prefix-index.ts),
// the texts it compares against (the latest request of each lineage, as much as the text budget allows),
// and what is remembered of every earlier request once its text is gone (tokens, lineage, place). The
// previous request of a request's own lineage wins a tie, so a conversation's timeline reads on.
import { commonPrefix, opensWithSummary, type DiffInput } from '../prefix/diff.js';
import { PrefixIndex, type IndexedRequest, type NearestPrior } from '../prefix/prefix-index.js';
import type { BlockChain } from '../prefix/blocks.js';
import type { KvRequest, ReportedUsage, Segment } from '../model.js';
import { isSynthetic } from './api/common.js';
import { HASH_BYTES, writeHash } from '../prefix/hash-ids.js';
import { Buffer } from 'node:buffer';

/**
 * A request whose texts were dropped to bound memory: hashes, token counts and labels remain, enough to
 * find where the next request diverges and to count tokens, not to classify the change.
 */
export interface CompactInput extends DiffInput {
  compact: true;
}

/**
 * How a lineage keeps its previous request once that request's text is dropped: one flat latin1 string
 * holding a flags byte, then per segment its kind (level and role, one byte), its link's SHA-256 (32
 * bytes) and its token count (a float64). A log of one-request sessions keeps one of these per session
 * for the whole run, and most are never read again: as a CompactInput (objects, hex strings and arrays
 * per segment) they were most of the run's memory. The CompactInput is rebuilt when the lineage's next
 * request comes (src/logs/lineage-table.ts keeps them).
 */
export interface PackedInput {
  packed: true;
  bytes: string;
}

/** What a lineage keeps of its previous request (fields all set at creation: one object shape). */
export interface PrevState {
  seq: number;
  input: DiffInput | PackedInput;
  /** its links' ids in the index (empty once packed: they only spare the next request's lookups) */
  ids: ArrayLike<number>;
  scope: string | undefined;
  total: number;
  time: number | undefined;
  /** cached tokens its usage reported (read + written), undefined without usage */
  cached: number | undefined;
  chains: Map<number, BlockChain> | undefined;
  timelineIndex: number;
}

/** A request whose text is still kept, by its place in arrival order. */
interface Kept {
  input: DiffInput;
  lineage: string;
  /** request text read through this request (see TEXT_BUDGET) */
  end: number;
}

/** One shared, empty segment per (level, role), numbered: what a packed request keeps of its segments. */
const KINDS: Segment[] = [];
const KIND_OF = new Map<string, number>();
function kindOf(level: Segment['level'], role: string): number {
  const key = `${level}\u0000${role}`;
  let k = KIND_OF.get(key);
  if (k === undefined) {
    k = KINDS.length;
    if (k > 255) throw new Error('more than 256 segment kinds'); // levels × roles: a bug, not input
    KINDS.push(Object.freeze({ level, role, label: '', text: '' }) as Segment);
    KIND_OF.set(key, k);
  }
  return k;
}

const PACKED_SEGMENT = 1 + HASH_BYTES + 8;
const KEY_ORDER_UNKNOWN = 1;

/** Drops the texts of a request, keeping what locating the next divergence needs: the raw links and the token counts. */
export function packInput(input: DiffInput): PackedInput {
  const buf = Buffer.allocUnsafe(1 + input.hashes.length * PACKED_SEGMENT);
  buf[0] = input.keyOrderUnknown ? KEY_ORDER_UNKNOWN : 0;
  for (let k = 0, at = 1; k < input.hashes.length; k++, at += PACKED_SEGMENT) {
    const seg = input.segments[k]!;
    buf[at] = kindOf(seg.level, seg.role);
    writeHash(buf, at + 1, input.hashes[k]!.rawChain);
    buf.writeDoubleLE(input.tokens[k] ?? 0, at + 1 + HASH_BYTES);
  }
  // one flat string (a string built by += is a tree of pieces, each a heap object)
  return { packed: true, bytes: buf.toString('latin1') };
}

/** The packed request as the comparison reads it: hollow segments, raw links and token counts. */
export function unpackInput(p: PackedInput): CompactInput {
  const buf = Buffer.from(p.bytes, 'latin1');
  const segments: Segment[] = [];
  const hashes: DiffInput['hashes'][number][] = [];
  const tokens: number[] = [];
  for (let at = 1; at < buf.length; at += PACKED_SEGMENT) {
    const seg = KINDS[buf[at]!]!;
    segments.push(seg);
    hashes.push({ label: '', level: seg.level, raw: '', canonical: '', rawChain: buf.toString('hex', at + 1, at + 1 + HASH_BYTES), canonicalChain: '' });
    tokens.push(buf.readDoubleLE(at + 1 + HASH_BYTES));
  }
  return { compact: true, segments, hashes, tokens, ...(buf[0]! & KEY_ORDER_UNKNOWN ? { keyOrderUnknown: true } : {}) };
}

/** A previous request's input as the comparison reads it. */
export function inputOf(prev: PrevState): DiffInput | CompactInput {
  return 'packed' in prev.input ? unpackInput(prev.input) : prev.input;
}

/** The conversation turns of a request: its message segments' raw hashes. */
function turns(x: DiffInput): string[] {
  const out: string[] = [];
  x.segments.forEach((seg, k) => {
    if (seg.level === 'messages' && !isSynthetic(seg)) out.push(x.hashes[k]!.raw);
  });
  return out;
}

/** `b` continues `a`'s conversation: a's turns, then more. */
function continues(a: DiffInput, b: DiffInput): boolean {
  const ta = turns(a);
  const tb = turns(b);
  return ta.length > 0 && tb.length > ta.length && ta.every((h, k) => tb[k] === h);
}

/** A request's nearest prior and what comparing with it needs. */
export interface PriorChoice {
  prior?: NearestPrior;
  /** the prior's input: full, compacted (hashes only), or undefined when nothing of it is kept */
  priorInput?: DiffInput | CompactInput;
  priorLineage: string;
  /** the prior is an earlier request of the same conversation */
  same: boolean;
  /** whole segments shared with the previous request of the lineage */
  sharedWithPrev: number;
  /** the previous request of the lineage, as the comparison reads it */
  prevInput?: DiffInput | CompactInput;
  /** the request as the index takes it, and the ids of its links the index already knows */
  indexed: IndexedRequest;
  knownIds: number[];
}

export class PriorFinder {
  /** the latest request of each lineage whose text is kept, oldest first */
  private readonly kept = new Map<number, Kept>();
  private readonly index = new PrefixIndex((seq, k) => this.kept.get(seq)?.input.segments[k]?.text);
  /** every request's prompt tokens and place, by seq: what a prior whose text is gone still tells */
  private totals = new Float64Array(1024);
  private lines = new Int32Array(1024);
  private readonly lineages: string[] = [];
  private readonly files: string[] = [];
  private nextDropAt = -Infinity;

  constructor(private readonly textBudget: number) {}

  /**
   * Drops texts read longer ago than the budget, oldest first; `pack(lineage, seq)` is told of each, so
   * the lineage keeps that request, when it is still its previous one, without its text.
   */
  dropOld(textBefore: number, pack: (lineage: string, seq: number) => void): void {
    // the oldest text's end, or less: nothing is old before it (an iterator per request cost ~90 ms on
    // 30,000 requests)
    if (textBefore - this.textBudget <= this.nextDropAt) return;
    for (const [seq, k] of this.kept) {
      this.nextDropAt = k.end;
      if (k.end >= textBefore - this.textBudget) break;
      this.kept.delete(seq);
      pack(k.lineage, seq);
    }
  }

  /** The nearest prior of request `seq`; `prev` is the previous request of its lineage. */
  choose(seq: number, req: KvRequest, input: DiffInput, prev: PrevState | undefined): PriorChoice {
    const scope = req.scope;
    const links = input.hashes.map((h) => h.rawChain);
    // whole segments shared with the previous request of the lineage: their link ids are known
    let k0 = 0;
    const prevInput = prev ? inputOf(prev) : undefined;
    if (prevInput) while (k0 < links.length && k0 < prevInput.hashes.length && prevInput.hashes[k0]!.rawChain === links[k0]) k0++;
    const indexed: IndexedRequest = { seq, links, text: (k: number) => input.segments[k]?.text ?? '', ...(req.time !== undefined ? { time: req.time } : {}), ...(scope !== undefined ? { scope } : {}) };
    const found = this.index.find(indexed, prev && prev.scope === scope && prev.ids.length >= k0 ? { ids: prev.ids, count: k0 } : undefined);
    let prior: NearestPrior | undefined = found.prior;
    if (prev && (prev.scope === scope || !prior)) {
      const prevSeg = prevInput!.segments[k0];
      const chars = k0 < links.length && prevSeg && !('compact' in prevInput!) && prevSeg.level === input.segments[k0]?.level ? commonPrefix(prevSeg.text, input.segments[k0]!.text) : 0;
      // its text gone, the conversation's own previous request still counts as sharing the most: it likely does
      const unknownChars = 'compact' in prevInput! && k0 === prior?.segments;
      if (!prior || k0 > prior.segments || (k0 === prior.segments && (chars >= prior.chars || unknownChars))) {
        prior = { seq: prev.seq, segments: k0, chars };
        if (found.prior?.lastUsed !== undefined && k0 === found.ids.length) prior.lastUsed = found.prior.lastUsed;
        else if (prev.time !== undefined && k0 > 0) prior.lastUsed = prev.time;
      }
    }
    const priorInput = prior && prev && prior.seq === prev.seq ? prevInput : prior ? this.kept.get(prior.seq)?.input : undefined;
    const priorLineage = prior ? (this.lineages[prior.seq] ?? '') : '';
    // One conversation: the same session (or cache key, user…) when the log names one; when the lineage is
    // only guessed from the first segment, the request must continue the prior's conversation
    const same =
      prior !== undefined &&
      (req.lineageSource === 'first-segment' && priorInput ? continues(priorInput, input) || (priorLineage === req.lineage && opensWithSummary(input)) : priorLineage === req.lineage);
    const choice: PriorChoice = { priorLineage, same, sharedWithPrev: k0, indexed, knownIds: found.ids };
    if (prevInput) choice.prevInput = prevInput;
    if (prior) choice.prior = prior;
    if (priorInput) choice.priorInput = priorInput;
    return choice;
  }

  /**
   * Adds the request to the index and keeps its text as its lineage's latest (the lineage's previous one,
   * `prevSeq`, is a prefix of it and is dropped); returns its links' ids (the replay's chain ids).
   */
  record(choice: PriorChoice, req: KvRequest, input: DiffInput, counted: number, textEnd: number, prevSeq: number | undefined): Int32Array {
    const seq = choice.indexed.seq;
    const ids = this.index.add(choice.indexed, choice.knownIds);
    if (seq >= this.totals.length) {
      const totals = new Float64Array(this.totals.length * 2);
      totals.set(this.totals);
      this.totals = totals;
      const lines = new Int32Array(this.lines.length * 2);
      lines.set(this.lines);
      this.lines = lines;
    }
    this.totals[seq] = counted;
    this.lines[seq] = req.line;
    this.lineages[seq] = req.lineage;
    this.files[seq] = req.file;
    // A conversation's latest request is what later requests share the most with (its earlier ones are
    // prefixes of it): one text per lineage is kept. Keeping every request's text held parsed tool
    // definitions long enough to reach V8's old generation (+90 MB, +25% CPU on the 100 MB agent log).
    if (prevSeq !== undefined) this.kept.delete(prevSeq);
    this.kept.set(seq, { input, lineage: req.lineage, end: textEnd });
    return ids;
  }

  /** Prompt tokens of an earlier request. */
  totalOf(seq: number): number {
    return this.totals[seq] ?? 0;
  }

  /** Where an earlier request is: its lineage, file and line. */
  whereOf(seq: number): { lineage: string; file: string; line: number } {
    return { lineage: this.lineages[seq] ?? '', file: this.files[seq] ?? '', line: this.lines[seq] ?? 0 };
  }
}
