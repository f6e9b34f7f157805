// Loads "one prompt" for the hash and diff commands: a template or tool file, a single request body, or
// the Nth request of a log (`log.jsonl#3`). Templates become a KvRequest so both commands treat them alike.
import path from 'node:path';
import { KvlintError } from '../errors.js';
import type { KvRequest, PromptDoc, SourceFile } from '../model.js';
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
    const read = await readOrThrow(abs, rel);
    if (sniffPrompt(rel, read.text)) {
      const doc = parsePrompt(read);
      return { request: docRequest(doc, rel, { line: 1, index: 0, api: 'template' }), source: `${rel} (${doc.format})` };
    }
  }
  const req = await loadRequest(abs, rel, index);
  return { request: req, source: `${rel}#${req.index} (${req.format}, line ${req.line})` };
}

/** The Nth request (0-based, default the first) a source file's SDK calls build, in file order. */
async function loadSourceRequest(abs: string, rel: string, index: number | undefined): Promise<LoadedPrompt> {
  const read = await readOrThrow(abs, rel);
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
  return { request: docRequest(doc, rel, { line, index: n, api: 'source' }), source: `${rel}#${n} (${doc.format.replace(/@\d+$/, '')}, line ${doc.format.split('@')[1] ?? line})` };
}

/** The file's text; what stops it being read is the command's error. */
async function readOrThrow(abs: string, rel: string): Promise<SourceFile> {
  const read = await readTextInput(abs, rel);
  if (isInputProblem(read)) throw new KvlintError(read.code, read.message, { file: rel, ...(read.line ? { line: read.line } : {}) });
  return read;
}

/** A template's or a source call's prompt as the one request the commands compare. */
function docRequest(doc: PromptDoc, rel: string, at: { line: number; index: number; api: string }): KvRequest {
  return {
    file: rel,
    line: at.line,
    index: at.index,
    format: doc.format,
    provider: doc.provider ?? 'unknown',
    api: at.api,
    lineage: rel,
    lineageSource: 'file',
    segments: doc.segments,
    ...(doc.model ? { model: doc.model } : {}),
  };
}
