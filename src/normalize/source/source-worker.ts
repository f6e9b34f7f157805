// Worker thread of the source pool: parses files and evaluates their SDK calls, and sends back the
// requests as plain data (the SourceFile stays with the main thread, which has it already).
import { parentPort } from 'node:worker_threads';
import { KvlintError } from '../../errors.js';
import { makeSourceFile } from '../../source.js';
import { parseSource } from './index.js';
import type { ParsedSource, SourceJob, SourceReply } from './pool.js';

const port = parentPort;
if (!port) throw new Error('source-worker runs in a worker thread');

port.on('message', (job: SourceJob) => {
  void (async (): Promise<SourceReply> => {
    try {
      const sd = await parseSource(makeSourceFile(job.path, job.text));
      const parsed: ParsedSource = {
        language: sd.language,
        syntax: sd.syntax,
        comments: sd.comments,
        requests: sd.requests.map((r) => {
          const { file: _file, ...doc } = r.doc;
          return { doc, toolOrderFixed: r.toolOrderFixed };
        }),
      };
      return { id: job.id, parsed };
    } catch (err) {
      if (err instanceof KvlintError) return { id: job.id, error: { code: err.code, message: err.message, ...(err.line ? { line: err.line } : {}) } };
      return { id: job.id, error: { code: 'KVE901', message: `${job.path}: internal error while parsing: ${(err as Error)?.message ?? String(err)}` } };
    }
  })().then((reply) => port.postMessage(reply));
});
