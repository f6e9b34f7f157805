// Loading "a request" for `kvlint diff a b` / `kvlint hash`: a single request body (JSON), or the Nth
// request of a log (`file.jsonl#N`, `cassette.yaml#N`, 0-based among the file's requests).
import { readFile } from 'node:fs/promises';
import { KvlintError } from '../errors.js';
import type { KvRequest } from '../model.js';
import { normalizeBody } from './api/index.js';
import { detectLogFormat, ingestLog, REJECTIONS } from './ingest.js';
import { makeRequestRecord } from './request.js';

/** Splits `path#N` into the path and the request index (undefined without a suffix). */
export function parseRequestSpec(spec: string): { path: string; index?: number } {
  const m = /^(.*)#(\d+)$/.exec(spec);
  return m ? { path: m[1]!, index: Number(m[2]) } : { path: spec };
}

/**
 * Loads one request. `abs` is the file on disk (without `#N`), `rel` its display path. A plain JSON body is
 * normalized directly; a log file yields its Nth request (default 0).
 * @throws KvlintError KVE305 when the file holds no request, KVE101 when N is out of range
 */
export async function loadRequest(abs: string, rel: string, index?: number): Promise<KvRequest> {
  const format = await detectLogFormat(abs, rel);
  if (format && !REJECTIONS[format]) {
    let i = 0;
    for await (const out of ingestLog(abs, rel, format)) {
      if (out.kind !== 'request') continue;
      if (i === (index ?? 0)) {
        out.request.index = i;
        return out.request;
      }
      i++;
    }
    throw new KvlintError('KVE101', `${rel} has ${i} request${i === 1 ? '' : 's'}; #${index ?? 0} does not exist`, { file: rel });
  }
  if (format) throw new KvlintError('KVE305', `${rel}: ${REJECTIONS[format]}`, { file: rel });
  let body: unknown;
  try {
    body = JSON.parse(await readFile(abs, 'utf8'));
  } catch (e) {
    throw new KvlintError('KVE305', `${rel} is neither a request log nor a JSON request body: ${(e as Error).message}`, { file: rel });
  }
  const nb = normalizeBody(body);
  if (!nb) throw new KvlintError('KVE305', `${rel} is not a request body of a known API`, { file: rel, hint: 'expected an Anthropic, OpenAI, Gemini or Bedrock request' });
  const rec = makeRequestRecord(nb, { file: rel, line: 1, format: 'request-body' });
  return rec.request;
}
