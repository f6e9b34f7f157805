// Reading log files: JSONL streamed in 1 MiB chunks with a manual Buffer split (faster than readline),
// gzip detected by magic bytes, and whole-document reads (cassettes, span arrays, HAR) under a size cap.
// A truncated gzip or a cut-off last line is reported and everything before it is still delivered.
import { createReadStream, existsSync } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createGunzip, gunzipSync, constants as zc } from 'node:zlib';
import { KvlintError } from '../errors.js';
import { firstInvalidUtf8 } from '../ingest/read.js';
import { DEFAULT_LIMITS } from '../limits.js';
import type { ReaderData, ReaderMessage } from './read-worker.js';

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
  /** turns a line's bytes into its record (default: decodeLine); the reader thread defers decoding */
  decode?: LineDecoder;
  /**
   * Keep no chunk past its turn: an unfinished line is copied into one buffer reused from line to line,
   * so the source may reuse its chunk buffer, and `decode` gets bytes valid only during the call.
   */
  reuse?: boolean;
}

/** Bytes [start, end) of buf are line `line` (without its newline): its record. */
export type LineDecoder = (buf: Buffer, start: number, end: number, line: number, terminated: boolean) => LineRecord;

/** Past this many bytes, an unfinished line stops using the reused carry buffer (see splitLines). */
const LONG_LINE = 4 * 1024 * 1024;

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
  const decode = opts.decode ?? decodeLine;
  const reuse = opts.reuse === true;
  let carry = reuse ? Buffer.allocUnsafeSlow(64 * 1024) : undefined;
  /** carry, grown to hold n bytes (its first `keep` bytes kept) */
  const room = (n: number, keep: number): Buffer => {
    if (carry!.length < n) {
      const grown = Buffer.allocUnsafeSlow(Math.max(n, 2 * carry!.length));
      carry!.copy(grown, 0, 0, keep);
      carry = grown;
    }
    return carry!;
  };
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
        yield decode(chunk, start, nl, line, true);
      } else if (reuse && pending.length === 0) {
        const c = room(pendingBytes + partLen, pendingBytes);
        chunk.copy(c, pendingBytes, start, nl);
        yield decode(c, 0, pendingBytes + partLen, line, true);
      } else {
        pending.push(chunk.subarray(start, nl));
        const whole = Buffer.concat(pending, pendingBytes + partLen);
        yield decode(whole, 0, whole.length, line, true);
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
      if (skipping) {
        // counted, not kept
      } else if (reuse && pending.length === 0 && pendingBytes + rest <= LONG_LINE) chunk.copy(room(pendingBytes + rest, pendingBytes), pendingBytes, start);
      else if (reuse) {
        // A long line is kept as exact copies of its parts rather than in a doubling buffer: growing the
        // carry to the line limit held the old and the new buffer at once (~1.5× the limit in RSS).
        if (pending.length === 0) pending.push(Buffer.from(carry!.subarray(0, pendingBytes)));
        pending.push(Buffer.from(chunk.subarray(start)));
      }
      // Copy a small tail so the big chunk it came from can be collected.
      else pending.push(rest < chunk.length / 4 ? Buffer.from(chunk.subarray(start)) : chunk.subarray(start));
      pendingBytes += rest;
    }
  }
  if (pendingBytes > 0) {
    line++;
    if (skipping) yield { line, text: '', terminated: false, overLong: pendingBytes };
    else if (reuse) yield decode(carry!, 0, pendingBytes, line, false);
    else {
      const whole = Buffer.concat(pending, pendingBytes);
      yield decode(whole, 0, whole.length, line, false);
    }
  }
}

/** The bytes of a line's text: without a trailing CR, and on line 1 without a BOM. */
export function textBytes(buf: Buffer, start: number, end: number, line: number): [number, number] {
  let e = end;
  if (e > start && buf[e - 1] === 13) e--;
  let s = start;
  if (line === 1 && buf[s] === 0xef && buf[s + 1] === 0xbb && buf[s + 2] === 0xbf) s += 3;
  return [s, e];
}

export function decodeLine(buf: Buffer, start: number, end: number, line: number, terminated: boolean): LineRecord {
  const [s, e] = textBytes(buf, start, end, line);
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
  opts: {
    highWaterMark?: number;
    onIssue?: (issue: StreamIssue) => void;
    maxLineBytes?: number;
    onBytes?: (bytesRead: number) => void;
    decode?: LineDecoder;
    /** read a plain file into one reused buffer (see ChunkReader); `decode` must keep no bytes */
    reuse?: boolean;
  } = {},
): AsyncGenerator<LineRecord> {
  const { gzip } = await readHead(abs, 2);
  const reuse = opts.reuse === true && !gzip;
  const size = opts.highWaterMark ?? 1 << 20;
  let file: ChunkReader | ReturnType<typeof createReadStream>;
  let source: AsyncIterable<Uint8Array>;
  if (reuse) source = file = new ChunkReader(abs, size);
  else {
    const stream = createReadStream(abs, { highWaterMark: size });
    file = stream;
    source = stream;
    if (gzip) {
      const gunzip = createGunzip();
      stream.on('error', (e) => gunzip.destroy(e));
      source = stream.pipe(gunzip);
    }
  }
  let last = 0;
  try {
    const split: SplitOptions = {
      ...(opts.maxLineBytes !== undefined ? { maxLineBytes: opts.maxLineBytes } : {}),
      ...(opts.decode ? { decode: opts.decode } : {}),
      ...(reuse ? { reuse } : {}),
    };
    for await (const rec of splitLines(source, split)) {
      last = rec.line;
      opts.onBytes?.(file.bytesRead); // progress: bytes read from disk, compressed for gzip
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
 * A plain file's chunks, read into one buffer that is reused: each chunk is valid until the next one is
 * asked for. A read stream makes a new 1 MiB buffer per chunk, outside the V8 heap; in the reader
 * thread, whose heap allocates little, nothing collected them until ~64 MB of dead ones had piled up
 * (V8 collects for outside memory only past such a margin).
 */
class ChunkReader implements AsyncIterable<Buffer> {
  bytesRead = 0;
  private fh: FileHandle | undefined;
  constructor(
    private readonly path: string,
    private readonly size: number,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    this.fh = await open(this.path, 'r');
    const buf = Buffer.allocUnsafeSlow(this.size);
    for (;;) {
      const { bytesRead } = await this.fh.read(buf, 0, this.size, null);
      if (bytesRead === 0) return;
      this.bytesRead += bytesRead;
      yield buf.subarray(0, bytesRead);
    }
  }

  destroy(): void {
    void this.fh?.close();
    this.fh = undefined;
  }
}

/** The compiled reader thread; from src/ (under vitest) the built one in dist/. */
function readerUrl(): URL | undefined {
  const here = new URL('./read-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  const built = new URL('../../dist/logs/read-worker.js', import.meta.url);
  return existsSync(fileURLToPath(built)) ? built : undefined;
}

/** Batches a reader thread posts ahead of their taker, at most: bounds the memory in flight. */
export const READER_CREDIT = 2;

/** A reader thread for one file, its messages queued from the start so none is lost before it is read. */
class ReaderThread {
  readonly worker: Worker;
  /** batches the thread may still post (see ReaderData) */
  private readonly credit = new Int32Array(new SharedArrayBuffer(4));
  private readonly queue: ReaderMessage[] = [];
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(url: URL, abs: string, maxLineBytes: number) {
    Atomics.store(this.credit, 0, READER_CREDIT);
    const data: ReaderData = { abs, maxLineBytes, credit: this.credit.buffer as SharedArrayBuffer };
    // Small caps: the reader keeps a batch or two, and valid lines stay bytes outside its heap. A line that
    // is not UTF-8 is decoded here as readLines does, so the old generation has room for the longest one.
    const maxLineMb = Math.ceil(maxLineBytes / (1024 * 1024));
    this.worker = new Worker(url, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 + 4 * maxLineMb } });
    this.worker.on('message', (m: ReaderMessage) => {
      this.queue.push(m);
      this.notify();
    });
    this.worker.on('error', (e) => {
      this.failure = e;
      this.notify();
    });
    this.worker.on('exit', (code) => {
      // its messages are all delivered before 'exit': a reader that ended without its last one failed
      this.failure ??= new Error(code !== 0 ? `log reader thread exited with code ${code}` : 'log reader thread ended early');
      this.notify();
    });
  }

  private notify(): void {
    this.wake?.();
    this.wake = undefined;
  }

  /** One batch taken: the thread may post another. */
  took(): void {
    // The thread waits only on a zero counter; waking it costs a system call, so only then.
    if (Atomics.add(this.credit, 0, 1) === 0) Atomics.notify(this.credit, 0);
  }

  /** The next message; throws the thread's failure once its messages are used up. */
  async next(): Promise<ReaderMessage> {
    while (this.queue.length === 0 && !this.failure) await new Promise<void>((r) => (this.wake = r));
    const m = this.queue.shift();
    if (!m) throw this.failure!;
    return m;
  }
}

/**
 * Reader threads started before their file is read, by file and line limit. Starting one costs ~60 ms of
 * thread and module start-up; prestarted, that overlaps the analysis thread's own start-up instead of
 * following it. Each reads at most READER_CREDIT batches ahead, then waits. The log job that started
 * them owns them: readLinesThreaded takes one through its `readers` option, discard() ends the rest.
 */
export class PrestartedReaders {
  private readonly threads = new Map<string, ReaderThread>();

  /** Starts the reader threads of files that will be read with readLinesThreaded and this line limit. Idle, they keep no thread alive. */
  constructor(files: readonly { abs: string; maxLineBytes?: number }[]) {
    const url = readerUrl();
    if (!url) return;
    for (const f of files) {
      const maxLineBytes = f.maxLineBytes ?? DEFAULT_LIMITS.maxLineBytes;
      const key = readerKey(f.abs, maxLineBytes);
      if (this.threads.has(key)) continue;
      const r = new ReaderThread(url, f.abs, maxLineBytes);
      r.worker.unref();
      this.threads.set(key, r);
    }
  }

  /** The reader of this file and line limit, once. */
  take(abs: string, maxLineBytes: number): ReaderThread | undefined {
    const key = readerKey(abs, maxLineBytes);
    const r = this.threads.get(key);
    this.threads.delete(key);
    return r;
  }

  /** Ends the readers no read took. */
  discard(): void {
    for (const r of this.threads.values()) void r.worker.terminate();
    this.threads.clear();
  }
}
const readerKey = (abs: string, maxLineBytes: number): string => `${maxLineBytes}\u0000${abs}`;

/**
 * readLines with the reading, splitting and UTF-8 decoding in a thread of its own: the same lines, issues
 * and progress. Decoding UTF-8 is a third of the analysis thread's work on an agent log (~3 s per GB of
 * text with non-ASCII characters). The reader converts valid UTF-8 lines to UTF-16 bytes (ICU, ~3x
 * faster than building strings) and transfers them a batch at a time; a string made from UTF-16 bytes
 * is a copy. Valid UTF-8 has one decoding, so the texts are the ones readLines makes; other lines are
 * decoded by the reader as readLines does. For large files only: the thread costs ~40 ms to start (none
 * when PrestartedReaders started it). Falls back to readLines when the thread's script is not there.
 */
export async function* readLinesThreaded(
  abs: string,
  opts: { onIssue?: (issue: StreamIssue) => void; maxLineBytes?: number; onBytes?: (bytesRead: number) => void; readers?: PrestartedReaders } = {},
): AsyncGenerator<LineRecord> {
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_LIMITS.maxLineBytes;
  let reader = opts.readers?.take(abs, maxLineBytes);
  if (!reader) {
    const url = readerUrl();
    if (!url) {
      yield* readLines(abs, opts);
      return;
    }
    reader = new ReaderThread(url, abs, maxLineBytes);
  }
  reader.worker.ref();
  try {
    for (;;) {
      const m = await reader.next();
      if ('done' in m) {
        for (const i of m.issues) opts.onIssue?.(i);
        return;
      }
      reader.took(); // one batch taken: the reader may post another
      const utf16 = Buffer.from(m.utf16);
      for (let k = 0; k < m.lines.length; k++) {
        const rec = m.lines[k]!;
        const at = m.at[k]!;
        if (at >= 0) rec.text = utf16.toString('utf16le', at, m.end[k]);
        opts.onBytes?.(m.bytes[k]!);
        yield rec;
      }
    }
  } finally {
    void reader.worker.terminate();
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
