// Loads "one prompt" for the hash and diff commands: a template or tool file, a single request body, or
// the Nth request of a log (`log.jsonl#3`). Templates become a KvRequest so both commands treat them alike.
import path from 'node:path';
import { KvlintError } from '../errors.js';
import type { KvRequest } from '../model.js';
import { isInputProblem, readTextInput } from '../ingest/read.js';
import { positionAt } from '../source.js';
import { parsePrompt, sniffPrompt } from '../normalize/prompt/index.js';
import { sourceLanguageOf } from '../normalize/source/parser.js';

export interface LoadedPrompt {
  request: KvRequest;
  /** how to name it in output: `path#N (format, line L)` */
  source: string;
}

export async function loadPrompt(spec: string, cwd: string): Promise<LoadedPrompt> {
  const { parseRequestSpec, loadRequest } = await import('../logs/load-request.js');
  const { detectLogFormat } = await import('../logs/ingest.js');
  const { path: p, index } = parseRequestSpec(spec);
  const abs = path.resolve(cwd, p);
  const rel = path.relative(cwd, abs).split(path.sep).join('/') || p;
  if (sourceLanguageOf(rel)) return loadSourceRequest(abs, rel, index);
  if (index === undefined && !(await detectLogFormat(abs, rel).catch(() => undefined))) {
    const read = await readTextInput(abs, rel);
    if (isInputProblem(read)) throw new KvlintError(read.code, read.message, { file: rel, ...(read.line ? { line: read.line } : {}) });
    if (sniffPrompt(rel, read.text)) {
      const doc = parsePrompt(read);
      const request: KvRequest = {
        file: rel,
        line: 1,
        index: 0,
        format: doc.format,
        provider: doc.provider ?? 'unknown',
        api: 'template',
        lineage: rel,
        lineageSource: 'file',
        segments: doc.segments,
        ...(doc.model ? { model: doc.model } : {}),
      };
      return { request, source: `${rel} (${doc.format})` };
    }
  }
  const req = await loadRequest(abs, rel, index);
  return { request: req, source: `${rel}#${req.index} (${req.format}, line ${req.line})` };
}

/** The Nth request (0-based, default the first) a source file's SDK calls build, in file order. */
async function loadSourceRequest(abs: string, rel: string, index: number | undefined): Promise<LoadedPrompt> {
  const read = await readTextInput(abs, rel);
  if (isInputProblem(read)) throw new KvlintError(read.code, read.message, { file: rel, ...(read.line ? { line: read.line } : {}) });
  const { parseSource } = await import('../normalize/source/index.js');
  const sd = await parseSource(read);
  const n = index ?? 0;
  const found = sd.requests[n];
  if (!found) {
    throw new KvlintError('KVE305', `${rel}: ${sd.requests.length === 0 ? 'no LLM SDK call that sends a prompt' : `no request #${n}: the file builds ${sd.requests.length}`}`, {
      file: rel,
      hint: sd.requests.length ? `name one of ${rel}#0…#${sd.requests.length - 1}` : 'kvlint reads Anthropic, OpenAI, Gemini, LiteLLM, Vercel AI SDK and LangChain calls',
    });
  }
  const doc = found.doc;
  const line = doc.segments[0]?.anchors?.[0] ? positionAt(read, doc.segments[0].anchors[0][1]).line : 1;
  const request: KvRequest = {
    file: rel,
    line,
    index: n,
    format: doc.format,
    provider: doc.provider ?? 'unknown',
    api: 'source',
    lineage: rel,
    lineageSource: 'file',
    segments: doc.segments,
    ...(doc.model ? { model: doc.model } : {}),
  };
  return { request, source: `${rel}#${n} (${doc.format.replace(/@\d+$/, '')}, line ${doc.format.split('@')[1] ?? line})` };
}
