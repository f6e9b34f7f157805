// Reading log files: JSONL streamed in 1 MiB chunks with a manual Buffer split (faster than readline),
// gzip detected by magic bytes, and whole-document reads (cassettes, span arrays, HAR) under a size cap.
// A truncated gzip or a cut-off last line is reported and everything before it is still delivered.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip, gunzipSync, constants as zc } from 'node:zlib';
import { KvlintError } from '../errors.js';
import { firstInvalidUtf8 } from '../ingest/read.js';
import { DEFAULT_LIMITS } from '../limits.js';

/** Default limit for files that must be parsed whole (YAML/JSON documents). */
export const DEFAULT_DOCUMENT_LIMIT = DEFAULT_LIMITS.maxDocumentBytes;
/** How many bytes (after decompression) format detection looks at. */
export const HEAD_BYTES = 64 * 1024;

/** One line of a streamed file; `terminated` is false only for a last line without a newline. */
export interface LineRecord {
  line: number;
  text: string;
  terminated: boolean;
  /**
   * Set when the line was longer than the line limit: its length in bytes. `text` is then empty — the
   * line was discarded as it streamed past, never held whole — and the caller reports it with its line.
   */
  overLong?: number;
  /** Set when the line is not valid UTF-8: the 1-based column (in bytes) of the first bad byte. */
  invalidUtf8?: number;
}

/** Something wrong with the byte stream itself (not with one record). */
export interface StreamIssue {
  kind: 'truncated-gzip' | 'read-error';
  /** the last line delivered before the stream broke */
  line: number;
  message: string;
}

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Options of {@link splitLines}. */
export interface SplitOptions {
  /** longest line kept, in bytes (default DEFAULT_LIMITS.maxLineBytes); longer ones come back `overLong` */
  maxLineBytes?: number;
}

/**
 * Splits a byte stream into lines on `\n` without decoding chunk boundaries: UTF-8 continuation bytes
 * never equal 0x0A, so a split on the byte is always a split between characters. Strips one trailing
 * `\r` and a leading BOM. Lines are delivered in order with 1-based numbers.
 *
 * The unfinished tail of a line is kept as a list of chunks and joined once, when its newline arrives:
 * joining on every chunk would copy a long line over and over (quadratic time). A line past
 * `maxLineBytes` is dropped as it streams past and delivered as `overLong`, so memory stays bounded by
 * the limit whatever the file holds.
 */
export async function* splitLines(chunks: AsyncIterable<Uint8Array>, opts: SplitOptions = {}): AsyncGenerator<LineRecord> {
  const maxLine = opts.maxLineBytes ?? DEFAULT_LIMITS.maxLineBytes;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false; // inside an over-long line: bytes are counted, not kept
  let line = 0;
  for await (const raw of chunks) {
    const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    let start = 0;
    let nl = chunk.indexOf(10, start);
    while (nl !== -1) {
      line++;
      const partLen = nl - start;
      if (skipping || pendingBytes + partLen > maxLine) {
        yield { line, text: '', terminated: true, overLong: pendingBytes + partLen };
      } else if (pendingBytes === 0) {
        yield decodeLine(chunk, start, nl, line, true);
      } else {
        pending.push(chunk.subarray(start, nl));
        const whole = Buffer.concat(pending, pendingBytes + partLen);
        yield decodeLine(whole, 0, whole.length, line, true);
      }
      pending = [];
      pendingBytes = 0;
      skipping = false;
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    if (start < chunk.length) {
      const rest = chunk.length - start;
      if (!skipping && pendingBytes + rest > maxLine) {
        skipping = true;
        pending = [];
      }
      // Copy a small tail so the big chunk it came from can be collected.
      if (!skipping) pending.push(rest < chunk.length / 4 ? Buffer.from(chunk.subarray(start)) : chunk.subarray(start));
      pendingBytes += rest;
    }
  }
  if (pendingBytes > 0) {
    line++;
    if (skipping) yield { line, text: '', terminated: false, overLong: pendingBytes };
    else {
      const whole = Buffer.concat(pending, pendingBytes);
      yield decodeLine(whole, 0, whole.length, line, false);
    }
  }
}

function decodeLine(buf: Buffer, start: number, end: number, line: number, terminated: boolean): LineRecord {
  let e = end;
  if (e > start && buf[e - 1] === 13) e--;
  let s = start;
  if (line === 1 && buf[s] === 0xef && buf[s + 1] === 0xbb && buf[s + 2] === 0xbf) s += 3;
  const text = buf.toString('utf8', s, e);
  const rec: LineRecord = { line, text, terminated };
  // U+FFFD in the decoded text is either a real replacement character or a byte that was not UTF-8:
  // only then is the (rarer, slower) byte-level check worth running.
  if (text.includes('\ufffd')) {
    const bad = firstInvalidUtf8(buf.subarray(s, e));
    if (bad < e - s) rec.invalidUtf8 = bad + 1;
  }
  return rec;
}

/** Reads the first bytes of a file (gzip-decompressed when it is gzip) for format detection. */
export async function readHead(abs: string, bytes = HEAD_BYTES): Promise<{ head: Buffer; gzip: boolean }> {
  const fh = await open(abs, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    const raw = buf.subarray(0, bytesRead);
    if (!isGzip(raw)) return { head: raw, gzip: false };
    try {
      // Sync flush lets a partial gzip member decompress as far as the bytes go.
      const out = gunzipSync(raw, { finishFlush: zc.Z_SYNC_FLUSH, maxOutputLength: bytes * 16 });
      return { head: out.subarray(0, bytes), gzip: true };
    } catch {
      return { head: Buffer.alloc(0), gzip: true };
    }
  } finally {
    await fh.close();
  }
}

/**
 * Streams the lines of a (possibly gzip) file. Never holds the file in memory. A broken gzip stream ends
 * the iteration after the last complete line and is passed to `onIssue`.
 */
export async function* readLines(
  abs: string,
  opts: { highWaterMark?: number; onIssue?: (issue: StreamIssue) => void; maxLineBytes?: number; onBytes?: (bytesRead: number) => void } = {},
): AsyncGenerator<LineRecord> {
  const { gzip } = await readHead(abs, 2);
  const file = createReadStream(abs, { highWaterMark: opts.highWaterMark ?? 1 << 20 });
  let source: AsyncIterable<Uint8Array> = file;
  if (gzip) {
    const gunzip = createGunzip();
    file.on('error', (e) => gunzip.destroy(e));
    source = file.pipe(gunzip);
  }
  let last = 0;
  try {
    for await (const rec of splitLines(source, opts.maxLineBytes !== undefined ? { maxLineBytes: opts.maxLineBytes } : {})) {
      last = rec.line;
      opts.onBytes?.(file.bytesRead); // progress (issue 5): bytes read from disk, compressed for gzip
      yield rec;
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const truncated = gzip && (err.code === 'Z_BUF_ERROR' || /unexpected end/i.test(err.message));
    opts.onIssue?.({
      kind: truncated ? 'truncated-gzip' : 'read-error',
      line: last,
      message: truncated
        ? `gzip stream is truncated after line ${last}; the lines before it were analyzed`
        : `read failed after line ${last}: ${err.message}`,
    });
  } finally {
    file.destroy();
  }
}

/**
 * Reads a whole document (YAML/JSON) as text, gunzipping when needed, refusing files over `limit` bytes
 * (KVE304) so one huge export cannot exhaust memory.
 */
export async function readDocument(abs: string, file: string, limit = DEFAULT_DOCUMENT_LIMIT): Promise<string> {
  const { size } = await stat(abs);
  if (size > limit) {
    throw new KvlintError('KVE304', `${file} is ${formatBytes(size)}, over the ${formatBytes(limit)} limit for whole documents`, {
      file,
      hint: 'convert it to JSONL (one request per line) so it can be streamed',
    });
  }
  const { gzip } = await readHead(abs, 2);
  const chunks: Buffer[] = [];
  let total = 0;
  const file$ = createReadStream(abs, { highWaterMark: 1 << 20 });
  const src: AsyncIterable<Buffer> = gzip ? file$.pipe(createGunzip()) : file$;
  try {
    for await (const c of src) {
      total += (c as Buffer).length;
      if (total > limit) {
        throw new KvlintError('KVE304', `${file} decompresses to more than ${formatBytes(limit)}`, { file });
      }
      chunks.push(c as Buffer);
    }
  } catch (e) {
    if (e instanceof KvlintError) throw e;
    throw new KvlintError('KVE301', `cannot read ${file}: ${(e as Error).message}`, { file });
  } finally {
    file$.destroy();
  }
  let text = Buffer.concat(chunks).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text;
}

function formatBytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(0)} MiB` : `${n} bytes`;
}
