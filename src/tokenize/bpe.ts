// An exact token counter over gpt-tokenizer's published data (its rank tables and split regexes), faster
// than the library's countTokens on the texts logs hold. Counting is the bulk of a log run, and the
// library spends most of it converting byte ranges to strings (TextDecoder + a UTF-8 check) for every
// candidate pair of every merge. Here:
//  - a piece (a match of the split regex) that is a whole token costs one lookup, as in the library;
//  - other pieces are merged on typed arrays, looking pairs up by range (ASCII pieces) or by a range of
//    a one-byte "binary string" of their UTF-8 bytes, never decoding nor cutting substrings;
//  - the lookups go to hash tables on typed arrays (./token-table.ts), filled from the build's rank file
//    without making a string, rather than Maps of 200,000 strings built in every thread;
//  - the count of a merged piece is remembered (bounded): words recur across texts even when the texts
//    do not, so most pieces are merged once per run;
//  - ASCII stretches are split by an ASCII-only copy of the split regex (~4x faster than the Unicode
//    one); the library's regex splits the rest, from and to cut points where both provably agree.
// The merge rule is the library's (lowest rank first, leftmost on a tie) and the lookups agree with its
// own (test/tokenize/bpe.test.ts checks the tables' invariants and compares counts on many texts).
// Text that spells a special token is counted as ordinary text (see loadBpeCounter).
import type { EncodingName } from './index.js';
import { libraryTables, readRankFile, tablesFromRanks, type BpeTables } from './rank-file.js';
import type { TokenTable } from './token-table.js';

/** Pieces whose merged count is remembered, at most; the memo is emptied when full (cheap, no LRU). */
const PIECE_MEMO = 64 * 1024;
/** No rank: a pair that is not a token. */
const NONE = 0x7fffffff;

const encoder = new TextEncoder();

/** A counter equal to gpt-tokenizer's `countTokens(text)` for text without special tokens. */
export class BpeCounter {
  /** token string → rank: the library's own view, used for whole pieces and ASCII pairs */
  private readonly byString: TokenTable;
  /** token bytes as a one-byte string → rank; loaded on the first non-ASCII merge */
  private byBytes: ByteLookup | undefined;
  private readonly memo = new Map<string, number>();
  /** the library's split regex, sticky */
  private readonly split: RegExp;
  /** the same split for ASCII-only text, without Unicode property classes (~4x faster); see ASCII_SPLITS */
  private readonly ascii: RegExp | undefined;
  private starts = new Int32Array(64);
  private pairRanks = new Int32Array(64);

  constructor(private readonly tables: BpeTables) {
    this.byString = tables.strings;
    this.split = new RegExp(tables.split.source, `${tables.split.flags.replace('g', '')}y`);
    const ascii = ASCII_SPLITS[tables.split.source];
    this.ascii = ascii ? new RegExp(ascii, 'y') : undefined;
  }

  /** Token count of `text`, special tokens counted as plain text. */
  count(text: string): number {
    const ascii = this.ascii;
    if (!ascii) return this.countRange(this.split, text, 0, text.length);
    // ASCII stretches go through the ASCII regex; each non-ASCII stretch, widened to the nearest cut
    // points on both sides, goes through the library's regex (see cutBefore for why this is exact).
    let n = 0;
    let i = 0;
    const len = text.length;
    while (i < len) {
      const j = nextNonAscii(text, i);
      if (j === len) {
        n += this.countRange(ascii, text, i, len);
        break;
      }
      const c = cutBefore(text, i, j);
      const d = cutAfter(text, j);
      if (c > i) n += this.countRange(ascii, text, i, c);
      n += this.countRange(this.split, text, c, d);
      i = d;
    }
    return n;
  }

  /** Tokens of the pieces from `from` to `to`, both piece boundaries of the whole text. */
  private countRange(re: RegExp, text: string, from: number, to: number): number {
    let n = 0;
    re.lastIndex = from;
    while (re.lastIndex < to) {
      const m = re.exec(text);
      if (m === null) break; // never: every character starts a piece
      const piece = m[0];
      if (this.byString.rank(piece, 0, piece.length, NONE) !== NONE) n++;
      else n += this.pieceCount(piece);
    }
    return n;
  }

  private pieceCount(piece: string): number {
    let c = this.memo.get(piece);
    if (c === undefined) {
      c = this.merge(piece);
      if (this.memo.size >= PIECE_MEMO) this.memo.clear();
      this.memo.set(piece, c);
    }
    return c;
  }

  /** Byte-pair merges of one piece; returns how many tokens are left. */
  private merge(piece: string): number {
    let ascii = true;
    for (let i = 0; i < piece.length; i++) {
      if (piece.charCodeAt(i) > 0x7f) {
        ascii = false;
        break;
      }
    }
    let key: string;
    let table: RankLookup;
    if (ascii) {
      // one byte per character: a byte range is a substring, and the string table is the byte table
      key = piece;
      table = this.byString;
    } else {
      const bytes = encoder.encode(piece); // lone surrogates become U+FFFD, as in the library
      key = latin1(bytes);
      const bytes8 = (this.byBytes ??= new ByteLookup(this.tables.bytes(), this.byString));
      table = piece.includes('\ufeff') ? new BomLookup(bytes8, this.byString) : bytes8;
    }
    const len = key.length;
    if (len === 1) return 1;
    if (this.starts.length < len + 1) {
      this.starts = new Int32Array(len * 2);
      this.pairRanks = new Int32Array(len * 2);
    }
    const starts = this.starts;
    const ranks = this.pairRanks;
    // parts [starts[i], starts[i+1]); ranks[i] = rank of parts i and i+1 joined
    let parts = len;
    for (let i = 0; i <= len; i++) starts[i] = i;
    for (let i = 0; i < len - 1; i++) ranks[i] = table.rank(key, i, i + 2, NONE);
    ranks[len - 1] = NONE;
    while (parts > 1) {
      let best = NONE;
      let at = -1;
      for (let i = 0; i < parts - 1; i++) {
        if (ranks[i]! < best) {
          best = ranks[i]!;
          at = i;
        }
      }
      if (at === -1) break;
      // join parts at and at+1
      starts.copyWithin(at + 1, at + 2, parts + 1);
      ranks.copyWithin(at, at + 1, parts);
      parts--;
      ranks[at] = at + 1 < parts ? table.rank(key, starts[at]!, starts[at + 2]!, NONE) : NONE;
      if (at > 0) ranks[at - 1] = table.rank(key, starts[at - 1]!, starts[at + 1]!, NONE);
    }
    return parts;
  }
}

const CONTRACTION = "'(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE])";
/** ASCII characters that are not CR, LF, a letter or a digit (`[^\r\n\p{L}\p{N}]` within ASCII) */
const NOT_CRLF_LN = '[\\x00-\\x09\\x0b\\x0c\\x0e-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f]';
/** ASCII characters that are not whitespace, a letter or a digit (`[^\s\p{L}\p{N}]` within ASCII) */
const NOT_SLN = '[\\x00-\\x08\\x0e-\\x1f\\x21-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f]';

/**
 * The split regexes restricted to ASCII, keyed by the library regex they stand for: each Unicode class is
 * replaced by its ASCII members (\p{L} → A-Za-z, \p{Lu}… → A-Z, \p{Ll}… → a-z, \p{N} → 0-9), so on text
 * that is ASCII the two match the same pieces. A library whose regex differs from these keys gets no
 * fast path (never a wrong one).
 */
const ASCII_SPLITS: Record<string, string> = {
  // o200k_base
  [String.raw`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?:'(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE]))?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?:'(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE]))?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`]:
    String.raw`${NOT_CRLF_LN}?[A-Z]*[a-z]+(?:${CONTRACTION})?|${NOT_CRLF_LN}?[A-Z]+[a-z]*(?:${CONTRACTION})?|[0-9]{1,3}| ?${NOT_SLN}+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
  // cl100k_base
  [String.raw`'(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s+$|\s*[\r\n]|\s+(?!\S)|\s`]:
    String.raw`${CONTRACTION}|${NOT_CRLF_LN}?[A-Za-z]+|[0-9]{1,3}| ?${NOT_SLN}+[\r\n]*|\s+$|\s*[\r\n]|\s+(?!\S)|\s`,
};

/** Index of the first character at or after `from` that is not ASCII, or the length. */
function nextNonAscii(text: string, from: number): number {
  for (let k = from; k < text.length; k++) if (text.charCodeAt(k) > 0x7f) return k;
  return text.length;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/**
 * A cut point is an index c with an ASCII letter at c-1 and a space at c. Every piece boundary found by
 * the library's regex on the whole text is then also one: the piece holding the letter at c-1 is a run of
 * letters (or a contraction), which can never take a space, and no alternative can go on from a letter
 * into a space, so no attempt started before c ever reads past c, and what it reads at c (a space)
 * fails the same in both regexes. So the pieces of [i, c) are the same whichever regex splits them when
 * [i, c] is ASCII, and the library's regex started at c finds the pieces it would find anyway.
 * Returns the last cut point in (from, j], or `from` itself when there is none.
 */
function cutBefore(text: string, from: number, j: number): number {
  for (let c = j; c > from; c--) if (text.charCodeAt(c) === 0x20 && isAsciiLetter(text.charCodeAt(c - 1))) return c;
  return from;
}

/**
 * The last cut point at or before `end` (see cutBefore), or 0 when there is none. Token counts add up
 * across a cut point: count(text) = count(text.slice(0, c)) + count(text.slice(c)), with the library's
 * split as with this module's.
 */
export function lastCutPoint(text: string, end = text.length - 1): number {
  return cutBefore(text, 0, Math.min(end, text.length - 1));
}

/**
 * The first cut point after the first line break, when it falls within the first `within` code units;
 * else 0. Token counts add up across it as across any cut point (see lastCutPoint).
 */
export function firstLineCutPoint(text: string, within: number): number {
  const nl = text.indexOf('\n');
  if (nl < 0 || nl >= within) return 0;
  const c = cutAfter(text, nl);
  return c < within ? c : 0;
}

/** The first cut point after `j`, or the length. */
function cutAfter(text: string, j: number): number {
  for (let c = j + 1; c < text.length; c++) if (text.charCodeAt(c) === 0x20 && isAsciiLetter(text.charCodeAt(c - 1))) return c;
  return text.length;
}

/** Where merge looks pairs up: the rank of `key.slice(start, end)`, or `miss`. TokenTable is one. */
interface RankLookup {
  rank(key: string, start: number, end: number, miss: number): number;
}

const BOM = '\xef\xbb\xbf';
const utf8 = new TextDecoder('utf-8');
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Byte ranges that are ASCII are their own token strings; the others are keys of the byte table. */
class ByteLookup implements RankLookup {
  constructor(
    private readonly bytes: TokenTable,
    private readonly byString: TokenTable,
  ) {}

  rank(key: string, start: number, end: number, miss: number): number {
    for (let i = start; i < end; i++) if (key.charCodeAt(i) > 0x7f) return this.bytes.rank(key, start, end, miss);
    return this.byString.rank(key, start, end, miss);
  }
}

/**
 * The library's lookup for byte ranges that start with a BOM (EF BB BF): it decodes every valid UTF-8
 * range with a TextDecoder, which drops a leading BOM, and looks the rest up among the string tokens; so
 * such a range takes the rank of the text after the BOM. Only pieces holding U+FEFF come here.
 */
class BomLookup implements RankLookup {
  constructor(
    private readonly byBytes: RankLookup,
    private readonly byString: TokenTable,
  ) {}

  rank(key: string, start: number, end: number, miss: number): number {
    if (end - start < BOM.length || !key.startsWith(BOM, start)) return this.byBytes.rank(key, start, end, miss);
    const bytes = Buffer.from(key.slice(start, end), 'latin1');
    try {
      strictUtf8.decode(bytes);
    } catch {
      return this.byBytes.rank(key, start, end, miss); // not UTF-8: the library looks the bytes up as they are
    }
    const text = utf8.decode(bytes);
    return this.byString.rank(text, 0, text.length, miss);
  }
}

/** Bytes as a string of one char per byte (a Map key that needs no decoding). */
function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  return s;
}

/**
 * Loads an encoding's counter from gpt-tokenizer's data: its rank table and split regex (the library's
 * own encoding module is not loaded: building it costs ~90 ms and ~16 MB per thread).
 *
 * Text that spells a special token, such as `<|endoftext|>` in a pasted document or a chat-template
 * dump, is counted as ordinary text — the library's `countTokens(text, { disallowedSpecial: new Set() })`.
 * That is what providers do with message content (a user cannot inject a control token through a
 * message), and a log holding such text must be analyzed, not stop the run.
 */
export async function loadBpeCounter(encoding: EncodingName): Promise<(text: string) => number> {
  // the build's binary tables when they are there and current (see ./rank-file.ts), else the library's modules
  let tables = readRankFile(encoding);
  if (!tables) {
    const { ranks, split } = await libraryTables(encoding);
    tables = tablesFromRanks(ranks, split);
  }
  const counter = new BpeCounter(tables);
  return (text: string) => counter.count(text);
}
