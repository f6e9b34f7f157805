// gpt-tokenizer's tables as binary files, written by `npm run build` next to the compiled modules
// (dist/tokenize/<encoding>.ranks), laid out so that loading them needs no strings: the lookup tables
// ./bpe.ts uses (./token-table.ts) are built from typed-array views of the file. The library ships each
// rank table as a JS module of one huge array literal: compiling o200k_base's (2.4 MB) took ~80 ms on the
// critical path of every large log run; filling Maps from a decoded table still cost ~50 ms and ~20 MB
// of heap in every thread, importing the split regex's module ~16 ms, and deriving the byte keys of
// non-ASCII tokens ~45 ms on the first non-ASCII text. Building the tables from this file takes ~10 ms.
//
// The file is derived from the installed library and names the SHA-256 of the modules it was made from
// (the rank table, the encoding's parameters and their constants): when one of them changed, or the file
// is absent (as under vitest, from src/), the tables are built from the library's modules as before.
//
// Layout, integers little-endian, every array at a multiple of 4 bytes:
//   MAGIC (8 bytes), the sources' SHA-256 (32), the split regex's length in bytes (u32), then the
//   regex as UTF-8 (its flags, a NUL, its source), then the packed entries (PackedEntries) of two
//   tables: the string table (token string → rank) and the byte table (a token's UTF-8 bytes, or its
//   bytes, as a one-byte string → rank, for every token with a byte outside ASCII). Each is its entry
//   count and key length (u32 each), then its key lengths (u16 × count), ranks (i32 × count) and keys
//   (u16 × key length).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { EncodingName } from './index.js';
import { buildTokenTable, packEntries, type PackedEntries, type TokenTable } from './token-table.js';
import { builtPath } from '../paths.js';

/** A rank table as the library exports it: ranks by token, a string or bytes that are not UTF-8. */
export type Ranks = (string | number[])[];

/** What a counter looks tokens up in: see BpeCounter in ./bpe.ts. */
export interface BpeTables {
  /** token string → rank (a later duplicate wins, as in the library's own Map) */
  strings: TokenTable;
  /** token bytes as a one-byte string → rank, for every token with a byte outside ASCII; built when first asked for */
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
  return { strings: buildTokenTable(packEntries(stringEntries(ranks))), bytes: () => (bytes ??= buildTokenTable(packEntries(byteKeyEntries(ranks)))), split };
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

function encodeEntries(p: PackedEntries): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32LE(p.lengths.length, 0);
  head.writeUInt32LE(p.keys.length, 4);
  const parts = [p.lengths, p.ranks, p.keys].map((a) => {
    const b = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    return Buffer.concat([b, Buffer.alloc(pad4(b.length) - b.length)]);
  });
  return Buffer.concat([head, ...parts]);
}

/** The binary form of an encoding's tables; `sources` are the modules they were read from. */
export function encodeRankFile(ranks: Ranks, split: RegExp, sources: readonly Uint8Array[]): Buffer {
  if (split.source.includes('\0')) throw new Error('split regex cannot be stored');
  const regex = Buffer.from(`${split.flags}\0${split.source}`, 'utf8');
  const head = Buffer.alloc(44);
  MAGIC.copy(head, 0);
  sourceHash(sources).copy(head, 8);
  head.writeUInt32LE(regex.length, 40);
  const entries = [packEntries(stringEntries(ranks)), packEntries(byteKeyEntries(ranks))].map(encodeEntries);
  return Buffer.concat([head, regex, Buffer.alloc(pad4(regex.length) - regex.length), ...entries]);
}

/** The packed entries at `at` in `file` (4-byte aligned, as views) and where the next ones start; undefined when they do not fit. */
function decodeEntries(file: Buffer, at: number): { packed: PackedEntries; end: number } | undefined {
  if (at + 8 > file.length) return undefined;
  const count = file.readUInt32LE(at);
  const keyLength = file.readUInt32LE(at + 4);
  const ranksAt = at + 8 + pad4(2 * count);
  const keysAt = ranksAt + 4 * count;
  const end = keysAt + pad4(2 * keyLength);
  if (end > file.length) return undefined;
  const packed: PackedEntries = {
    lengths: new Uint16Array(file.buffer, file.byteOffset + at + 8, count),
    ranks: new Int32Array(file.buffer, file.byteOffset + ranksAt, count),
    keys: new Uint16Array(file.buffer, file.byteOffset + keysAt, keyLength),
  };
  return { packed, end };
}

/** The tables held by `file`, or undefined when it is not a rank file made from sources with this hash (or is damaged). */
export function decodeRankFile(data: Buffer, hash: Buffer): BpeTables | undefined {
  // typed-array views need 4-byte alignment; a Buffer from readFileSync has its own memory, at offset 0
  const file = data.byteOffset % 4 === 0 ? data : Buffer.from(data);
  if (endianness() !== 'LE') return undefined; // the arrays are stored little-endian, as they sit in memory here
  if (file.length < 44 || !file.subarray(0, 8).equals(MAGIC) || !file.subarray(8, 40).equals(hash)) return undefined;
  const regexLength = file.readUInt32LE(40);
  if (44 + regexLength > file.length) return undefined;
  const regex = file.toString('utf8', 44, 44 + regexLength);
  const nul = regex.indexOf('\0');
  const strings = decodeEntries(file, pad4(44 + regexLength));
  const bytes = strings && decodeEntries(file, strings.end);
  if (nul === -1 || !strings || !bytes || bytes.end !== file.length) return undefined;
  const lengthsAddUp = (p: PackedEntries): boolean => p.lengths.reduce((a, b) => a + b, 0) === p.keys.length;
  if (!lengthsAddUp(strings.packed) || !lengthsAddUp(bytes.packed)) return undefined;
  let byteTable: TokenTable | undefined;
  return {
    strings: buildTokenTable(strings.packed),
    bytes: () => (byteTable ??= buildTokenTable(bytes.packed)),
    split: new RegExp(regex.slice(nul + 1), regex.slice(0, nul)),
  };
}

/** Where the build writes an encoding's rank file (dist/tokenize/); none when running from src/. */
function rankFilePath(encoding: EncodingName): string | undefined {
  return builtPath('tokenize', `${encoding}.ranks`);
}

/** An encoding's tables from the rank file the build wrote, or undefined when it is absent or stale. */
export function readRankFile(encoding: EncodingName): BpeTables | undefined {
  const path = rankFilePath(encoding);
  if (path === undefined) return undefined;
  let file: Buffer;
  try {
    file = readFileSync(path);
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
  const path = rankFilePath(encoding);
  if (path === undefined) throw new Error('rank files are written by the build, from dist/');
  writeFileSync(path, encodeRankFile(ranks, split, sourcePaths(encoding).map((p) => readFileSync(p))));
  return path;
}
