// Parsing source files on both cores. Parsing and evaluating is most of the cost of a repository walk
// (the cheap look has already dropped the files with no prompt), and files are independent, so worker
// threads take them one at a time as they come free. Starting a worker and its parser costs ~0.1 s, so
// a handful of files (the pre-commit case) is parsed in the main thread instead.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { KvlintError } from '../../errors.js';
import type { ErrorCode } from '../../errors.js';
import type { PromptDoc, SourceFile, TemplateSyntax } from '../../model.js';
import type { SourceDoc } from './index.js';
import type { SourceLanguage } from './parser.js';

/** Fewer source files to parse than this are parsed in the main thread. */
export const POOL_MIN_FILES = 24;

export interface SourceJob {
  id: number;
  path: string;
  text: string;
}

/** A SourceDoc without its file, as a worker sends it. */
export interface ParsedSource {
  language: SourceLanguage;
  syntax: TemplateSyntax;
  comments: SourceDoc['comments'];
  requests: Array<{ doc: Omit<PromptDoc, 'file'>; toolOrderFixed: boolean }>;
}

export type SourceReply = { id: number; parsed: ParsedSource } | { id: number; error: { code: string; message: string; line?: number } };

function workerUrl(): URL {
  const here = new URL('./source-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  return new URL('../../../dist/normalize/source/source-worker.js', import.meta.url);
}

interface Waiting {
  file: SourceFile;
  resolve: (sd: SourceDoc) => void;
  reject: (err: Error) => void;
}

export class SourcePool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Array<{ id: number; w: Waiting }> = [];
  private readonly running = new Map<number, Waiting>();
  private nextId = 0;

  constructor(readonly size: number = Math.max(1, Math.min(4, availableParallelism()))) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(workerUrl());
      w.unref();
      w.on('message', (reply: SourceReply) => {
        const waiting = this.running.get(reply.id);
        this.running.delete(reply.id);
        this.idle.push(w);
        this.pump();
        if (!waiting) return;
        if ('parsed' in reply) {
          const p = reply.parsed;
          waiting.resolve({
            file: waiting.file,
            language: p.language,
            syntax: p.syntax,
            comments: p.comments,
            requests: p.requests.map((r) => ({ doc: { ...r.doc, file: waiting.file } as PromptDoc, toolOrderFixed: r.toolOrderFixed })),
          });
        } else {
          const e = reply.error;
          waiting.reject(new KvlintError(e.code as ErrorCode, e.message, { file: waiting.file.path, ...(e.line ? { line: e.line } : {}) }));
        }
      });
      w.on('error', (err) => {
        for (const x of this.running.values()) x.reject(err);
        this.running.clear();
        for (const q of this.queue.splice(0)) q.w.reject(err);
      });
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  /** Parses one file in a worker. */
  parse(file: SourceFile): Promise<SourceDoc> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, w: { file, resolve, reject } });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.pop() as Worker;
      const { id, w: waiting } = this.queue.shift() as { id: number; w: Waiting };
      this.running.set(id, waiting);
      w.ref(); // outstanding work keeps the process alive
      w.postMessage({ id, path: waiting.file.path, text: waiting.file.text } satisfies SourceJob);
    }
    if (this.running.size === 0) for (const w of this.workers) w.unref();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
