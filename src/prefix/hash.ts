// Chained SHA-256 prefix hashes over segments. The raw chain finds a break; the canonical chain
// (sorted keys, normalized whitespace) classifies it: raw differs but canonical matches means the prompt
// was reordered or reformatted, not changed. Never rely on the canonical chain alone.
import { createHash } from 'node:crypto';
import type { Segment } from '../model.js';

/** The chain's starting value; versioned so a change of scheme never matches old logged hashes. */
export const CHAIN_SEED = createHash('sha256').update('kvlint-prefix-v1').digest();

/** Bytes that identify a segment's place in the prompt besides its text. */
function header(seg: Segment): string {
  return `${seg.level}\u0000${seg.role}\u0000`;
}

/**
 * A segment's own hash, by segment object: a pure function's memo (content in, hash out), so sharing it
 * between runs shares nothing but time. A log's first segment is hashed for its lineage key as it is
 * read, and again by the run's SegmentHasher: once is enough.
 */
const ownHashes = new WeakMap<Segment, string>();

/** SHA-256 of one segment (level, role and text), hex; of `text` instead when given (a canonical form). */
export function segmentHash(seg: Segment, text: string = seg.text): string {
  if (text !== seg.text) return createHash('sha256').update(header(seg)).update(text).digest('hex');
  let h = ownHashes.get(seg);
  if (h === undefined) {
    h = createHash('sha256').update(header(seg)).update(text).digest('hex');
    ownHashes.set(seg, h);
  }
  return h;
}

/** Next link: sha256(previous link ‖ segment hash). Costs one digest per segment, whatever the prefix length. */
export function chainNext(prev: Buffer, segHashHex: string): Buffer {
  return createHash('sha256').update(prev).update(segHashHex, 'hex').digest();
}

/** JSON with object keys sorted at every level: key order never changes the canonical form. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;
const HAS_ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/;
/** Whitespace before a line end (the multiline `$` also stands before \u2028 and \u2029) or at the end. */

/** Space, tab or no-break space: what the trailing-whitespace rule removes. */
function isTrailingSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0xa0;
}

/**
 * Is there whitespace the multiline `[ \t\u00A0]+$` would remove: before a line end (\n, \r, \u2028,
 * \u2029) or at the end? Looks only at line ends (memchr-fast indexOf), not at every space as a regex
 * scan does; texts with the rare separators go to the regex.
 */
function hasTrailingSpace(t: string): boolean {
  if (t.length > 0 && isTrailingSpace(t.charCodeAt(t.length - 1))) return true;
  for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) if (i > 0 && isTrailingSpace(t.charCodeAt(i - 1))) return true;
  return (t.includes('\u2028') || t.includes('\u2029') || t.includes('\r')) && /[ \t\u00A0][\r\u2028\u2029]/.test(t);
}

/**
 * Text with line endings, trailing whitespace, invisible characters and Unicode form normalized. Each
 * replacement runs only when a quick test finds something to replace: every new segment of a log is
 * canonicalized, and the multiline trailing-space pattern alone cost ~0.5 s on a 200 MB log.
 */
export function canonicalText(text: string): string {
  let t = text;
  if (t.includes('\r')) t = t.replace(/\r\n?/g, '\n');
  if (HAS_ZERO_WIDTH.test(t)) t = t.replace(ZERO_WIDTH, '');
  if (hasTrailingSpace(t)) t = t.replace(/[ \t\u00A0]+$/gm, '');
  return t.normalize('NFC');
}

/** The canonical form of a segment: its JSON value with sorted keys, else its normalized text. */
export function canonicalForm(seg: Segment): string {
  return seg.value !== undefined ? canonicalJson(seg.value) : canonicalText(seg.text);
}

export interface SegmentHashes {
  label: string;
  level: Segment['level'];
  /** SHA-256 of this segment alone */
  raw: string;
  canonical: string;
  /** chained prefix hash through this segment */
  rawChain: string;
  canonicalChain: string;
}

/** What the memo knows about one segment's text; `pending` while a tokenizer worker counts it. */
export interface MemoEntry {
  canonical: string | undefined;
  tokens: number | undefined;
  pending: boolean;
}

/**
 * Facts derived from a segment's content, keyed by its raw hash, so a segment seen again (a log resends
 * the same system prompt and history on every request) is never canonicalized or tokenized again.
 * Bounded: past `limit` entries the oldest are dropped. An entry is ~85 bytes with its key; what is
 * resent is resent soon (a session's next request), so 64k distinct segments cover the interleaving of
 * real logs, and a log of unique texts (one-request sessions) holds 5 MB of them, not 17.
 */
export class SegmentMemo {
  private readonly map = new Map<string, MemoEntry>();
  constructor(private readonly limit = 65_536) {}

  get(rawHash: string): MemoEntry {
    let e = this.map.get(rawHash);
    if (!e) {
      // every field from the start: one fixed shape (~56 bytes). Fields added later, and `pending`
      // deleted, turned each entry into a dictionary-mode object of ~280 bytes, held for the whole run.
      e = { canonical: undefined, tokens: undefined, pending: false };
      this.map.set(rawHash, e);
      if (this.map.size > this.limit) this.map.delete(this.map.keys().next().value as string);
    }
    return e;
  }
}

/** Shorter texts cost little to hash and would crowd the recent-text map. */
const RECENT_MIN = 256;
/** Text kept to find a resent text's hash again (least recently seen dropped first). */
const RECENT_CHARS = 2 * 1024 * 1024;
/** Chain links kept, keyed by previous link and segment hash (~2 MB); the oldest go first. */
const LINKS_MAX = 8 * 1024;
const SEED_HEX = CHAIN_SEED.toString('hex');

function fingerprint(t: string): string {
  const mid = t.length >> 1;
  return `${t.length}\u0000${t.slice(0, 24)}${t.slice(mid, mid + 16)}${t.slice(-24)}`;
}

/**
 * Hashes the segments of a run's requests, remembering what makes the next request cheap. All state is
 * the instance's: a run owns one, and two runs in one process never see each other's texts.
 *
 * - A log resends the same system prompt and history on every request, each time as a new string from
 *   JSON.parse. Recently seen texts are found by a fingerprint (length and a few sampled characters: V8
 *   would hash a whole key string, ~1 µs per KB) and confirmed by comparing the strings, which is as fast
 *   as memcmp; SHA-256 would read and encode the whole text again. `internedText` then gives the earlier,
 *   equal string: a caller that keeps it instead of the fresh copy lets that copy die young rather than
 *   be promoted to V8's old generation (the 1 GB agent log spent seconds collecting there).
 * - Consecutive requests of a session share their leading segments, whose links are copied from the
 *   previous call (a string comparison each) rather than recomputed.
 * - Chain links already computed are memoized: a request that resends its lineage's prompt plus a new
 *   turn would otherwise recompute every link of the shared prefix (~0.5 s on the 1 GB agent log).
 */
export class SegmentHasher {
  private readonly interned = new WeakMap<Segment, string>();
  private readonly recent = new Map<string, { text: string; header: string; hash: string }>();
  private recentChars = 0;
  private readonly links = new Map<string, string>();
  private lastHashed: readonly SegmentHashes[] = [];

  /** SHA-256 of one segment (level, role and text), hex. Never changes the segment. */
  segmentHash(seg: Segment): string {
    const known = ownHashes.get(seg);
    if (known !== undefined) return known;
    const text = seg.text;
    const head = header(seg);
    let h: string | undefined;
    if (text.length >= RECENT_MIN) {
      const key = fingerprint(text);
      const seen = this.recent.get(key);
      const same = seen !== undefined && seen.text === text;
      if (same) {
        this.interned.set(seg, seen.text);
        // most recently seen last
        this.recent.delete(key);
        this.recent.set(key, seen);
        if (seen.header === head) h = seen.hash;
      }
      if (h === undefined) {
        h = segmentHash(seg);
        if (!same) this.remember(key, text, head, h);
      }
    } else h = segmentHash(seg);
    ownHashes.set(seg, h);
    return h;
  }

  /** The canonical hash: the raw one when the canonical form is the text itself (most texts). */
  private canonicalHash(seg: Segment, raw: string): string {
    const form = canonicalForm(seg);
    return form === seg.text ? raw : segmentHash(seg, form);
  }

  /** The earlier, equal string of a segment's text when one was seen recently, else its own text. */
  internedText(seg: Segment): string {
    return this.interned.get(seg) ?? seg.text;
  }

  private remember(key: string, text: string, head: string, hash: string): void {
    const old = this.recent.get(key);
    if (old) {
      this.recent.delete(key);
      this.recentChars -= old.text.length;
    }
    this.recent.set(key, { text, header: head, hash });
    this.recentChars += text.length;
    while (this.recentChars > RECENT_CHARS) {
      const [oldest, e] = this.recent.entries().next().value as [string, { text: string }];
      this.recent.delete(oldest);
      this.recentChars -= e.text.length;
    }
  }

  /** chainNext on hex strings, memoized. */
  private nextLink(prevHex: string, segHashHex: string): string {
    const key = prevHex + segHashHex;
    let link = this.links.get(key);
    if (link === undefined) {
      link = createHash('sha256').update(prevHex, 'hex').update(segHashHex, 'hex').digest('hex');
      this.links.set(key, link);
      if (this.links.size > LINKS_MAX) this.links.delete(this.links.keys().next().value as string);
    }
    return link;
  }

  /** Hashes every segment and the chained prefix through it, raw and canonical. */
  hashSegments(segments: readonly Segment[], memo?: SegmentMemo): SegmentHashes[] {
    let raw = SEED_HEX;
    let canon = SEED_HEX;
    const before = this.lastHashed;
    let same = true; // every segment so far equals the one at its index in the previous call
    const out = segments.map((seg, i) => {
      const r = this.segmentHash(seg);
      let c: string;
      if (memo) {
        const e = memo.get(r);
        c = e.canonical ??= this.canonicalHash(seg, r);
      } else c = this.canonicalHash(seg, r);
      const p = same ? before[i] : undefined;
      if (p && p.raw === r && p.canonical === c && p.level === seg.level) {
        raw = p.rawChain;
        canon = p.canonicalChain;
      } else {
        same = false;
        raw = this.nextLink(raw, r);
        canon = this.nextLink(canon, c);
      }
      return { label: seg.label, level: seg.level, raw: r, canonical: c, rawChain: raw, canonicalChain: canon };
    });
    this.lastHashed = out;
    return out;
  }
}

/** Hashes every segment and the chained prefix through it, raw and canonical (one request, no memory). */
export function hashSegments(segments: readonly Segment[], memo?: SegmentMemo): SegmentHashes[] {
  return new SegmentHasher().hashSegments(segments, memo);
}
