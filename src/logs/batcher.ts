// Batches requests so text never seen before is tokenized in worker threads while the next batch is
// parsed. Requests come out in read order, each with every segment's token count in the memo; the counts
// are the same as on the main thread. Without workers each request is handed on as soon as it is read.
import { isSynthetic } from './api/common.js';
import type { MemoEntry, SegmentMemo } from '../prefix/hash.js';
import type { SegmentHasher } from '../prefix/hash.js';
import { TokenizerPool } from '../tokenize/pool.js';
import type { Tokenizer } from '../tokenize/index.js';
import type { RequestRecord } from './types.js';

/**
 * Once tokenizer workers run, requests are read ahead in batches of about this much text so new text is
 * tokenized in parallel. Without workers each request is processed as soon as it is read: holding
 * parsed requests longer gets them promoted out of V8's young generation, which cost +1.5 s and +300 MB
 * RSS on the 1 GB agent-log benchmark.
 */
const BATCH_CHARS = 1024 * 1024;
/**
 * Worker threads start only after this much unique text (below it, their start-up costs more than it
 * saves), and only when most of the text read is new (UNIQUE_SHARE): a log that resends its prompts is
 * bound by parsing, and batching its requests for the workers costs more than the workers gain.
 */
export const POOL_AFTER_CHARS = 2 * 1024 * 1024;
const UNIQUE_SHARE = 0.5;

export interface BatcherOptions {
  tokenizer: Tokenizer;
  memo: SegmentMemo;
  hasher: SegmentHasher;
  /** worker threads (0 or 1: main thread only) */
  workers: number;
  /** unique text after which workers start */
  workersAfter?: number;
  /** called for each request in read order, once its texts are counted; `textBefore` as given to add() */
  process: (rec: RequestRecord, textBefore: number) => void;
}

export class Batcher {
  private batch: RequestRecord[] = [];
  private textBefore: number[] = [];
  private chars = 0;
  private uniqueChars = 0;
  private totalChars = 0;
  private pool: TokenizerPool | undefined;
  private inflight: { counting: Promise<void>; batch: RequestRecord[]; textBefore: number[] } | undefined;

  constructor(private readonly o: BatcherOptions) {}

  /** Queues one request; `textBefore` is the request text read before it (for the text budget). */
  async add(rec: RequestRecord, textBefore: number, size: number): Promise<void> {
    this.batch.push(rec);
    this.textBefore.push(textBefore);
    this.chars += size;
    if (!this.pool || this.chars >= BATCH_CHARS) await this.flush();
  }

  /**
   * Hands the current batch to the counter and processes the previous one once its counts are in, so
   * the workers tokenize batch N while the main thread parses batch N+1. `final` drains everything.
   */
  async flush(final = false): Promise<void> {
    const current = this.batch;
    const currentTextBefore = this.textBefore;
    this.batch = [];
    this.textBefore = [];
    this.chars = 0;
    const counting = current.length ? this.countNewTexts(current) : undefined;
    if (this.inflight) await this.drain();
    if (counting) this.inflight = { counting, batch: current, textBefore: currentTextBefore };
    if (final && this.inflight) await this.drain();
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }

  private async drain(): Promise<void> {
    const f = this.inflight!;
    await f.counting;
    this.inflight = undefined;
    f.batch.forEach((rec, k) => this.o.process(rec, f.textBefore[k]!));
  }

  /** Counts the tokens of every segment text of a batch not seen (or sent) before: in workers when it pays. */
  private async countNewTexts(recs: RequestRecord[]): Promise<void> {
    const { memo, hasher, tokenizer, workers } = this.o;
    const todo: { entry: MemoEntry; text: string }[] = [];
    for (const rec of recs) {
      for (const seg of rec.request.segments) {
        this.totalChars += seg.text.length;
        if (isSynthetic(seg)) continue;
        const entry = memo.get(hasher.segmentHash(seg));
        if (entry.tokens === undefined && !entry.pending) {
          entry.pending = true;
          todo.push({ entry, text: seg.text });
        }
      }
    }
    for (const t of todo) this.uniqueChars += t.text.length;
    if (!this.pool && workers > 1 && this.uniqueChars >= (this.o.workersAfter ?? POOL_AFTER_CHARS) && this.uniqueChars >= UNIQUE_SHARE * this.totalChars) {
      this.pool = new TokenizerPool(tokenizer.encoding, workers);
    }
    const counts = this.pool && todo.length > 1 ? await this.pool.countMany(todo.map((t) => t.text)) : todo.map((t) => tokenizer.count(t.text));
    todo.forEach((t, k) => {
      t.entry.tokens = counts[k];
      t.entry.pending = false;
    });
  }
}
