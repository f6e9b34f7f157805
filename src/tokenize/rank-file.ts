// gpt-tokenizer's tables as binary files, written by `npm run build` next to the compiled modules
// (dist/tokenize/<encoding>.ranks) and laid out so that loading them is reading them: the hash tables
// ./bpe.ts looks tokens up in (./token-table.ts) are stored as they sit in memory. The library ships each
// rank table as a JS module of one huge array literal: compiling o200k_base's (2.4 MB) took ~80 ms on the
// critical path of every large log run; filling Maps from a decoded table still cost ~50 ms and ~20 MB
// of heap in every thread, importing the split regex's module ~16 ms, and deriving the byte keys of
// non-ASCII tokens ~45 ms on the first non-ASCII text.
//
// The file is derived from the installed library and names the SHA-256 of the modules it was made from
// (the rank table, the encoding's parameters and their constants): when one of them changed, or the file
// is absent (as under vitest, from src/), the tables are built from the library's modules as before.
//
// Layout, integers little-endian, every array at a multiple of 4 bytes:
//   MAGIC (8 bytes), the sources' SHA-256 (32), the split regex's length in bytes (u32), then the
//   regex as UTF-8 (its flags, a NUL, its source), then two tables: the string table (token string →
//   rank) and the byte table (a token's UTF-8 bytes, or its bytes, as a one-byte string → rank, for every
//   token with a byte outside ASCII). A table is its slot count and key length (u32 each), then its
//   offsets (u32 × slots), ranks (i32 × slots), lengths (u16 × slots) and keys (u16 × key length).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { EncodingName } from './index.js';
import { buildTokenTable, TokenTable, type TokenTableArrays } from './token-table.js';

/** A rank table as the library exports it: ranks by token, a string or bytes that are not UTF-8. */
export type Ranks = (string | number[])[];

/** What a counter looks tokens up in: see BpeCounter in ./bpe.ts. */
export interface BpeTables {
  /** token string → rank (a later duplicate wins, as in the library's own Map) */
  strings: TokenTable;
  /** token bytes as a one-byte string → rank, for every token with a byte outside ASCII; made when first asked for */
  bytes: () => TokenTable;
  /** the library's split regex */
  split: RegExp;
}

const MAGIC = Buffer.from('kvbpe\u00002\n', 'latin1');

/** The library modules an encoding's tables come from (paths): its rank table, its parameters, their constants. */
export function sourcePaths(encoding: EncodingName): string[] {
  return [`gpt-tokenizer/bpeRanks/${encoding}`, `gpt-tokenizer/encodingParams/${encoding}`, 'gpt-tokenizer/encodingParams/constants'].map((m) =>
    fileURLToPath(import.meta.resolve(m)),
  );
}

/** SHA-256 over the source modules' bytes, each prefixed by its length (so no two lists hash alike). */
export function sourceHash(sources: readonly Uint8Array[]): Buffer {
  const h = createHash('sha256');
  for (const s of sources) h.update(`${s.length}\n`).update(s);
  return h.digest();
}

/** The string tokens of a rank table as (token, rank), in rank order. */
export function stringEntries(ranks: readonly (string | number[])[]): [string, number][] {
  const out: [string, number][] = [];
  ranks.forEach((t, rank) => {
    if (typeof t === 'string') out.push([t, rank]);
  });
  return out;
}

/**
 * The byte keys of a rank table, in rank order: each token with a byte outside ASCII, keyed by its UTF-8
 * bytes (or its bytes) as a one-byte string. ASCII tokens are looked up by their string instead.
 */
export function byteKeyEntries(ranks: readonly (string | number[])[]): [string, number][] {
  const out: [string, number][] = [];
  ranks.forEach((t, rank) => {
    if (typeof t !== 'string') out.push([Buffer.from(t).toString('latin1'), rank]);
    else if (/[^\0-\x7f]/.test(t)) out.push([Buffer.from(t, 'utf8').toString('latin1'), rank]);
  });
  return out;
}

/** The tables built from the library's rank array and split regex (the path when there is no rank file). */
export function tablesFromRanks(ranks: readonly (string | number[])[], split: RegExp): BpeTables {
  let bytes: TokenTable | undefined;
  return { strings: buildTokenTable(stringEntries(ranks)), bytes: () => (bytes ??= buildTokenTable(byteKeyEntries(ranks))), split };
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

function encodeTable(t: TokenTable): Buffer {
  const { offsets, ranks, lengths, keys } = t.arrays;
  const head = Buffer.alloc(8);
  head.writeUInt32LE(ranks.length, 0);
  head.writeUInt32LE(keys.length, 4);
  const parts = [head, offsets, ranks, lengths, keys].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  const out = Buffer.concat(parts);
  return Buffer.concat([out, Buffer.alloc(pad4(out.length) - out.length)]);
}

/** The binary form of an encoding's tables; `sources` are the modules they were read from. */
export function encodeRankFile(ranks: Ranks, split: RegExp, sources: readonly Uint8Array[]): Buffer {
  if (split.source.includes('\0')) throw new Error('split regex cannot be stored');
  const regex = Buffer.from(`${split.flags}\0${split.source}`, 'utf8');
  const head = Buffer.alloc(44);
  MAGIC.copy(head, 0);
  sourceHash(sources).copy(head, 8);
  head.writeUInt32LE(regex.length, 40);
  const tables = tablesFromRanks(ranks, split);
  return Buffer.concat([head, regex, Buffer.alloc(pad4(regex.length) - regex.length), encodeTable(tables.strings), encodeTable(tables.bytes())]);
}

/** The table at `at` in `file` (4-byte aligned) and where the next one starts; undefined when it does not fit. */
function decodeTable(file: Buffer, at: number): { table: TokenTable; end: number } | undefined {
  if (at + 8 > file.length) return undefined;
  const slots = file.readUInt32LE(at);
  const keyLength = file.readUInt32LE(at + 4);
  const end = pad4(at + 8 + 10 * slots + 2 * keyLength);
  if (end > file.length || slots === 0 || (slots & (slots - 1)) !== 0) return undefined;
  const base = file.byteOffset + at + 8;
  const arrays: TokenTableArrays = {
    offsets: new Uint32Array(file.buffer, base, slots),
    ranks: new Int32Array(file.buffer, base + 4 * slots, slots),
    lengths: new Uint16Array(file.buffer, base + 8 * slots, slots),
    keys: new Uint16Array(file.buffer, base + 10 * slots, keyLength),
  };
  return { table: new TokenTable(arrays), end };
}

/** The tables held by `file`, or undefined when it is not a rank file made from sources with this hash (or is damaged). */
export function decodeRankFile(bytes: Buffer, hash: Buffer): BpeTables | undefined {
  // typed-array views need 4-byte alignment; a Buffer from readFileSync has its own memory, at offset 0
  const file = bytes.byteOffset % 4 === 0 ? bytes : Buffer.from(bytes);
  if (endianness() !== 'LE') return undefined; // the arrays are stored little-endian, as they sit in memory here
  if (file.length < 44 || !file.subarray(0, 8).equals(MAGIC) || !file.subarray(8, 40).equals(hash)) return undefined;
  const regexLength = file.readUInt32LE(40);
  if (44 + regexLength > file.length) return undefined;
  const regex = file.toString('utf8', 44, 44 + regexLength);
  const nul = regex.indexOf('\0');
  const strings = decodeTable(file, pad4(44 + regexLength));
  const byteTable = strings && decodeTable(file, strings.end);
  if (nul === -1 || !strings || !byteTable || byteTable.end !== file.length) return undefined;
  return { strings: strings.table, bytes: () => byteTable.table, split: new RegExp(regex.slice(nul + 1), regex.slice(0, nul)) };
}

/** Where the build writes an encoding's rank file: next to this module in dist/. */
function rankFileUrl(encoding: EncodingName): URL {
  return new URL(`./${encoding}.ranks`, import.meta.url);
}

/** An encoding's tables from the rank file the build wrote, or undefined when it is absent or stale. */
export function readRankFile(encoding: EncodingName): BpeTables | undefined {
  let file: Buffer;
  try {
    file = readFileSync(rankFileUrl(encoding));
  } catch {
    return undefined; // not built (running from src/)
  }
  try {
    return decodeRankFile(file, sourceHash(sourcePaths(encoding).map((p) => readFileSync(p))));
  } catch {
    return undefined; // the library's modules cannot be found or read: load them the usual way, which reports why
  }
}

/** The library's rank table and split regex of an encoding, from its own modules. */
export async function libraryTables(encoding: EncodingName): Promise<{ ranks: Ranks; split: RegExp }> {
  const cl100k = encoding === 'cl100k_base';
  const ranks = (cl100k ? await import('gpt-tokenizer/bpeRanks/cl100k_base') : await import('gpt-tokenizer/bpeRanks/o200k_base')).default as Ranks;
  const params = cl100k ? await import('gpt-tokenizer/encodingParams/cl100k_base') : await import('gpt-tokenizer/encodingParams/o200k_base');
  const p = 'Cl100KBase' in params ? params.Cl100KBase(ranks) : params.O200KBase(ranks);
  return { ranks, split: p.tokenSplitRegex };
}

/** Writes the rank file of an encoding from the installed library (`npm run build`). */
export async function writeRankFile(encoding: EncodingName): Promise<string> {
  const { ranks, split } = await libraryTables(encoding);
  const path = fileURLToPath(rankFileUrl(encoding));
  writeFileSync(path, encodeRankFile(ranks, split, sourcePaths(encoding).map((p) => readFileSync(p))));
  return path;
}
