// Finding each request's nearest prior: the prefix index over all traffic (src/prefix/prefix-index.ts),
// the texts it compares against (the latest request of each lineage, as much as the text budget allows),
// and what is remembered of every earlier request once its text is gone (tokens, lineage, place). The
// previous request of a request's own lineage wins a tie, so a conversation's timeline reads on.
import { commonPrefix, opensWithSummary, type DiffInput } from '../prefix/diff.js';
import { PrefixIndex, type IndexedRequest, type NearestPrior } from '../prefix/prefix-index.js';
import type { BlockChain } from '../prefix/blocks.js';
import type { KvRequest, ReportedUsage, Segment } from '../model.js';
import { isSynthetic } from './api/common.js';

/**
 * A request whose texts were dropped to bound memory: hashes, token counts and labels remain, enough to
 * find where the next request diverges and to count tokens, not to classify the change.
 */
export interface CompactInput extends DiffInput {
  compact: true;
}

/** What a lineage keeps of its previous request. */
export interface PrevState {
  seq: number;
  input: DiffInput | CompactInput;
  ids: ArrayLike<number>;
  scope: string | undefined;
  total: number;
  time?: number;
  usage?: ReportedUsage;
  chains?: Map<number, BlockChain>;
  timelineIndex: number;
}

/** A request whose text is still kept, by its place in arrival order. */
interface Kept {
  input: DiffInput;
  lineage: string;
  /** request text read through this request (see TEXT_BUDGET) */
  end: number;
}

/** One shared, empty segment per (level, role): what a compacted request keeps of its segments. */
const HOLLOW = new Map<string, Segment>();
function hollow(level: Segment['level'], role: string): Segment {
  const key = `${level}\u0000${role}`;
  let seg = HOLLOW.get(key);
  if (!seg) {
    seg = Object.freeze({ level, role, label: '', text: '' }) as Segment;
    HOLLOW.set(key, seg);
  }
  return seg;
}

/**
 * Drops the texts of a request, keeping what locating the next divergence needs: the raw links and the
 * token counts. A log of one-request sessions keeps one of these per session; full hashes (four hex
 * strings a segment), labels and segment objects were most of its memory.
 */
export function compactInput(input: DiffInput): CompactInput {
  return {
    compact: true,
    segments: input.segments.map((seg) => hollow(seg.level, seg.role)),
    hashes: input.hashes.map((h) => ({ label: '', level: h.level, raw: '', canonical: '', rawChain: h.rawChain, canonicalChain: '' })),
    tokens: input.tokens,
    ...(input.keyOrderUnknown ? { keyOrderUnknown: true } : {}),
  };
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
   * Drops texts read longer ago than the budget, oldest first; `prevOf` gives a lineage's previous
   * request, which keeps its hashes (compacted) when its text goes.
   */
  dropOld(textBefore: number, prevOf: (lineage: string) => PrevState | undefined): void {
    // the oldest text's end, or less: nothing is old before it (an iterator per request cost ~90 ms on
    // 30,000 requests)
    if (textBefore - this.textBudget <= this.nextDropAt) return;
    for (const [seq, k] of this.kept) {
      this.nextDropAt = k.end;
      if (k.end >= textBefore - this.textBudget) break;
      this.kept.delete(seq);
      const prev = prevOf(k.lineage);
      if (prev && prev.seq === seq && !('compact' in prev.input)) {
        prev.input = compactInput(prev.input);
        // a typed array costs ~100 bytes beyond its data: a plain array of small integers does not
        prev.ids = Array.from(prev.ids);
      }
    }
  }

  /** The nearest prior of request `seq`; `prev` is the previous request of its lineage. */
  choose(seq: number, req: KvRequest, input: DiffInput, prev: PrevState | undefined): PriorChoice {
    const scope = req.scope;
    const links = input.hashes.map((h) => h.rawChain);
    // whole segments shared with the previous request of the lineage: their link ids are known
    let k0 = 0;
    if (prev) while (k0 < links.length && k0 < prev.input.hashes.length && prev.input.hashes[k0]!.rawChain === links[k0]) k0++;
    const indexed: IndexedRequest = { seq, links, text: (k: number) => input.segments[k]?.text ?? '', ...(req.time !== undefined ? { time: req.time } : {}), ...(scope !== undefined ? { scope } : {}) };
    const found = this.index.find(indexed, prev && prev.scope === scope ? { ids: prev.ids, count: k0 } : undefined);
    let prior: NearestPrior | undefined = found.prior;
    if (prev && (prev.scope === scope || !prior)) {
      const prevSeg = prev.input.segments[k0];
      const chars = k0 < links.length && prevSeg && !('compact' in prev.input) && prevSeg.level === input.segments[k0]?.level ? commonPrefix(prevSeg.text, input.segments[k0]!.text) : 0;
      // its text gone, the conversation's own previous request still counts as sharing the most: it likely does
      const unknownChars = 'compact' in prev.input && k0 === prior?.segments;
      if (!prior || k0 > prior.segments || (k0 === prior.segments && (chars >= prior.chars || unknownChars))) {
        prior = { seq: prev.seq, segments: k0, chars };
        if (found.prior?.lastUsed !== undefined && k0 === found.ids.length) prior.lastUsed = found.prior.lastUsed;
        else if (prev.time !== undefined && k0 > 0) prior.lastUsed = prev.time;
      }
    }
    const priorInput = prior && prev && prior.seq === prev.seq ? prev.input : prior ? this.kept.get(prior.seq)?.input : undefined;
    const priorLineage = prior ? (this.lineages[prior.seq] ?? '') : '';
    // One conversation: the same session (or cache key, user…) when the log names one; when the lineage is
    // only guessed from the first segment, the request must continue the prior's conversation
    const same =
      prior !== undefined &&
      (req.lineageSource === 'first-segment' && priorInput ? continues(priorInput, input) || (priorLineage === req.lineage && opensWithSummary(input)) : priorLineage === req.lineage);
    const choice: PriorChoice = { priorLineage, same, sharedWithPrev: k0, indexed, knownIds: found.ids };
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
