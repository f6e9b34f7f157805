// gpt-tokenizer's rank tables as compact binary files, written by `npm run build` next to the compiled
// modules (dist/tokenize/<encoding>.ranks). The library ships each table as a JS module of one huge array
// literal: compiling o200k_base's (2.4 MB) took ~80 ms on the critical path of every large log run, and
// one file read and one UTF-8 decode of this file take a few. The file is derived from the installed
// library and names the SHA-256 of the module it was made from: when that module changed (or the file is
// absent, as under vitest from src/), the library's module is loaded as before.
//
// Layout: MAGIC (8 bytes), the source module's SHA-256 (32), the token count N, then the lengths of the
// three blobs below (u32 LE each); then per token a u16 LE: its length, with LATIN1 set for a string of
// code points below 256 and BYTES for a token that is bytes (not UTF-8); then the Latin-1 strings'
// bytes, the other strings' UTF-8 and the byte tokens' bytes, each concatenated. Latin-1 strings decode
// to one-byte strings, as the library's literals are: cheaper to hash and compare than slices of a
// two-byte text.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EncodingName } from './index.js';

/** A rank table as the library exports it: ranks by token, a string or bytes that are not UTF-8. */
export type Ranks = (string | number[])[];

const MAGIC = Buffer.from('kvbpe\u00001\n', 'latin1');
const HEADER = 8 + 32 + 16;
const BYTES = 0x8000;
const LATIN1 = 0x4000;
const LENGTH = 0x3fff;

/** The library module holding an encoding's ranks (a path). */
export function rankModulePath(encoding: EncodingName): string {
  return fileURLToPath(import.meta.resolve(`gpt-tokenizer/bpeRanks/${encoding}`));
}

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/** The binary form of `ranks`; `source` is the module text they were read from. Throws on a token it cannot hold. */
export function encodeRanks(ranks: Ranks, source: Uint8Array): Buffer {
  if (Object.keys(ranks).length !== ranks.length) throw new Error('rank table has holes');
  const lens = Buffer.alloc(2 * ranks.length);
  const latin1: string[] = [];
  const texts: string[] = [];
  const bytes: number[] = [];
  ranks.forEach((t, i) => {
    if (t.length > LENGTH) throw new Error(`rank ${i}: token too long`);
    if (typeof t !== 'string') {
      lens.writeUInt16LE(BYTES | t.length, 2 * i);
      bytes.push(...t);
    } else if (/^[\0-\xff]*$/.test(t)) {
      lens.writeUInt16LE(LATIN1 | t.length, 2 * i);
      latin1.push(t);
    } else {
      // these strings are decoded as one text: each must be its own UTF-8 decoding (no lone surrogates)
      if (Buffer.from(t, 'utf8').toString('utf8') !== t) throw new Error(`rank ${i}: token cannot be stored as UTF-8`);
      lens.writeUInt16LE(t.length, 2 * i);
      texts.push(t);
    }
  });
  const blobs = [Buffer.from(latin1.join(''), 'latin1'), Buffer.from(texts.join(''), 'utf8'), Buffer.from(bytes)];
  const head = Buffer.alloc(HEADER);
  MAGIC.copy(head, 0);
  sha256(source).copy(head, 8);
  head.writeUInt32LE(ranks.length, 40);
  blobs.forEach((b, k) => head.writeUInt32LE(b.length, 44 + 4 * k));
  return Buffer.concat([head, lens, ...blobs]);
}

/** The ranks held by `file`, or undefined when it is not a rank file made from `source` (its SHA-256). */
export function decodeRanks(file: Buffer, sourceHash: Buffer): Ranks | undefined {
  if (file.length < HEADER || !file.subarray(0, 8).equals(MAGIC) || !file.subarray(8, 40).equals(sourceHash)) return undefined;
  const n = file.readUInt32LE(40);
  const latin1Start = HEADER + 2 * n;
  const textStart = latin1Start + file.readUInt32LE(44);
  const bytesStart = textStart + file.readUInt32LE(48);
  if (bytesStart + file.readUInt32LE(52) !== file.length) return undefined;
  const latin1 = file.toString('latin1', latin1Start, textStart);
  const text = file.toString('utf8', textStart, bytesStart);
  const ranks: Ranks = new Array<string | number[]>(n);
  let l = 0;
  let u = 0;
  let b = bytesStart;
  for (let i = 0; i < n; i++) {
    const v = file[HEADER + 2 * i]! | (file[HEADER + 2 * i + 1]! << 8);
    const len = v & LENGTH;
    if (v & LATIN1) ranks[i] = latin1.substring(l, (l += len));
    else if (v & BYTES) ranks[i] = Array.from(file.subarray(b, (b += len)));
    else ranks[i] = text.substring(u, (u += len));
  }
  return l === latin1.length && u === text.length && b === file.length ? ranks : undefined;
}

/** Where the build writes an encoding's rank file: next to this module in dist/. */
function rankFileUrl(encoding: EncodingName): URL {
  return new URL(`./${encoding}.ranks`, import.meta.url);
}

/** An encoding's ranks from the rank file the build wrote, or undefined when it is absent or stale. */
export function readRankFile(encoding: EncodingName): Ranks | undefined {
  let file: Buffer;
  try {
    file = readFileSync(rankFileUrl(encoding));
  } catch {
    return undefined; // not built (running from src/)
  }
  try {
    return decodeRanks(file, sha256(readFileSync(rankModulePath(encoding))));
  } catch {
    return undefined; // the library's module cannot be found or read: load it the usual way, which reports why
  }
}

/** Writes the rank file of an encoding from the installed library (`npm run build`). */
export async function writeRankFile(encoding: EncodingName): Promise<string> {
  const mod = (await import(`gpt-tokenizer/bpeRanks/${encoding}`)) as { default: Ranks };
  const path = fileURLToPath(rankFileUrl(encoding));
  writeFileSync(path, encodeRanks(mod.default, readFileSync(rankModulePath(encoding))));
  return path;
}
