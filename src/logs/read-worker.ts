// Reader thread for a large JSONL log (see readLinesThreaded in ./read.ts): reads and splits the file as
// readLines does, converts each batch's valid UTF-8 lines to UTF-16 in one go (other lines are decoded
// here, as readLines decodes them) and posts the batches, a few ahead of the analysis thread at most (it
// adds one credit per batch it takes to a shared counter: a message per batch cost the analysis thread
// ~4% of its time on an agent log).
import { isUtf8, transcode } from 'node:buffer';
import { parentPort, workerData } from 'node:worker_threads';
import { decodeLine, readLines, textBytes, type LineRecord, type StreamIssue } from './read.js';

/** What the thread is started with. */
export interface ReaderData {
  abs: string;
  maxLineBytes?: number;
  /** one Int32: the batches the thread may still post before waiting (READER_CREDIT of ./read.ts at first) */
  credit: SharedArrayBuffer;
}

/**
 * A batch of lines, each with the bytes read from disk when it was split (progress), or the end. Line k
 * with `at[k]` not -1 has its text in `utf16` (UTF-16LE) from `at[k]` to `end[k]`, and the taker fills
 * in its `text`.
 */
export type ReaderMessage = { lines: LineRecord[]; bytes: number[]; at: number[]; end: number[]; utf16: ArrayBuffer } | { done: true; issues: StreamIssue[] };

/** A batch is sent at this many bytes of UTF-8 text, or BATCH_LINES lines. */
const BATCH_BYTES = 512 * 1024;
const BATCH_LINES = 256;

const port = parentPort!;
const { abs, maxLineBytes, credit: creditBuffer } = workerData as ReaderData;
const credit = new Int32Array(creditBuffer);
// A listening port keeps this thread alive while it waits for credit (Atomics.waitAsync does not).
port.on('message', () => undefined);
/** Atomics.waitAsync, in Node 20 but typed only by lib ES2024 (which would also admit APIs Node 20 lacks). */
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, index: number, value: number): { value: Promise<string> | string } }).waitAsync;

const issues: StreamIssue[] = [];
let bytesRead = 0;
let lines: LineRecord[] = [];
let bytes: number[] = [];
/** per line of the batch: whether its text waits in `stage` */
let deferred: boolean[] = [];
let marked = 0; // lines of `deferred` that are true
/**
 * The deferred lines' UTF-8 bytes, joined by newlines (which no line holds), reused from batch to batch.
 * One transcode per batch makes one buffer, transferred whole: converting line by line left a dead
 * buffer per line, outside the heap, that only a full collection frees (~50 MB more RSS).
 */
let stage = Buffer.allocUnsafeSlow(2 * BATCH_BYTES);
let staged = 0;
let stagedLines = 0;

/** Valid UTF-8 lines wait in `stage` for the batch's conversion; anything else is decoded here, as readLines does. */
function deferLine(buf: Buffer, start: number, end: number, line: number, terminated: boolean): LineRecord {
  const [s, e] = textBytes(buf, start, end, line);
  const raw = buf.subarray(s, e);
  if (!isUtf8(raw)) return decodeLine(buf, start, end, line, terminated);
  const need = staged + raw.length + 1;
  if (need > stage.length) {
    const grown = Buffer.allocUnsafeSlow(Math.max(need, 2 * stage.length));
    stage.copy(grown, 0, 0, staged);
    stage = grown;
  }
  if (stagedLines > 0) stage[staged++] = 10;
  staged += raw.copy(stage, staged);
  stagedLines++;
  return { line, text: '', terminated };
}

async function send(): Promise<void> {
  while (Atomics.load(credit, 0) === 0) await waitAsync(credit, 0, 0).value;
  Atomics.sub(credit, 0, 1);
  // transcode returns a buffer of its own (offset 0, exact length): its memory moves to the taker
  const utf16 = stagedLines > 0 ? transcode(stage.subarray(0, staged), 'utf8', 'utf16le') : Buffer.from(new ArrayBuffer(0));
  const at: number[] = [];
  const end: number[] = [];
  let from = 0;
  for (const d of deferred) {
    if (!d) {
      at.push(-1);
      end.push(-1);
      continue;
    }
    const nl = utf16.indexOf('\n', from, 'utf16le'); // code-unit aligned
    const to = nl === -1 ? utf16.length : nl;
    at.push(from);
    end.push(to);
    from = to + 2;
  }
  const buffer = utf16.buffer as ArrayBuffer;
  const m: ReaderMessage = { lines, bytes, at, end, utf16: buffer };
  port.postMessage(m, [buffer]);
  lines = [];
  bytes = [];
  deferred = [];
  marked = 0;
  staged = 0;
  stagedLines = 0;
  if (stage.length > 4 * BATCH_BYTES) stage = Buffer.allocUnsafeSlow(2 * BATCH_BYTES); // after a very long line
}

for await (const rec of readLines(abs, { onIssue: (i) => issues.push(i), onBytes: (n) => (bytesRead = n), decode: deferLine, reuse: true, ...(maxLineBytes !== undefined ? { maxLineBytes } : {}) })) {
  // deferLine ran for this line just before it was yielded: it was staged if stagedLines grew
  const staged1 = stagedLines > marked;
  if (staged1) marked++;
  bytes.push(bytesRead);
  lines.push(rec);
  deferred.push(staged1);
  if (staged >= BATCH_BYTES || lines.length >= BATCH_LINES) await send();
}
if (lines.length > 0) await send();
const done: ReaderMessage = { done: true, issues };
port.postMessage(done);
port.removeAllListeners('message'); // nothing keeps the thread alive now
