// Reading log files: JSONL streamed in 1 MiB chunks with a manual Buffer split (faster than readline),
// gzip detected by magic bytes, and whole-document reads (cassettes, span arrays, HAR) under a size cap.
// A truncated gzip or a cut-off last line is reported and everything before it is still delivered.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip, gunzipSync, constants as zc } from 'node:zlib';
import { KvlintError } from '../errors.js';

/** Default limit for files that must be parsed whole (YAML/JSON documents). */
export const DEFAULT_DOCUMENT_LIMIT = 256 * 1024 * 1024;
/** How many bytes (after decompression) format detection looks at. */
export const HEAD_BYTES = 64 * 1024;

/** One line of a streamed file; `terminated` is false only for a last line without a newline. */
export interface LineRecord {
  line: number;
  text: string;
  terminated: boolean;
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

/**
 * Splits a byte stream into lines on `\n` without decoding chunk boundaries: UTF-8 continuation bytes
 * never equal 0x0A, so a split on the byte is always a split between characters. Strips one trailing
 * `\r` and a leading BOM. Lines are delivered in order with 1-based numbers.
 */
export async function* splitLines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<LineRecord> {
  let carry: Buffer | undefined;
  let line = 0;
  for await (const raw of chunks) {
    const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
    let buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    let nl = buf.indexOf(10, start);
    while (nl !== -1) {
      line++;
      yield { line, text: decodeLine(buf, start, nl, line), terminated: true };
      start = nl + 1;
      nl = buf.indexOf(10, start);
    }
    carry = start < buf.length ? buf.subarray(start) : undefined;
    // Keep the carry a copy when it is small relative to the chunk, so the big chunk can be collected.
    if (carry && carry.length < buf.length / 4) carry = Buffer.from(carry);
    buf = Buffer.alloc(0);
  }
  if (carry && carry.length > 0) {
    line++;
    yield { line, text: decodeLine(carry, 0, carry.length, line), terminated: false };
  }
}

function decodeLine(buf: Buffer, start: number, end: number, line: number): string {
  let e = end;
  if (e > start && buf[e - 1] === 13) e--;
  let s = start;
  if (line === 1 && buf[s] === 0xef && buf[s + 1] === 0xbb && buf[s + 2] === 0xbf) s += 3;
  return buf.toString('utf8', s, e);
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
  opts: { highWaterMark?: number; onIssue?: (issue: StreamIssue) => void } = {},
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
    for await (const rec of splitLines(source)) {
      last = rec.line;
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
