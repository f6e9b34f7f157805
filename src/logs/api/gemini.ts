// Gemini generateContent bodies → segments in render order: model, settings, tools (one per function
// declaration), systemInstruction, contents.
import type { Segment } from '../../model.js';
import type { CacheObjectFacts } from '../types.js';
import { toEpochMs } from '../request.js';
import {
  asArray,
  asString,
  isObject,
  makeSegment,
  modelSegment,
  renderBlocks,
  settingsSegment,
  stripMarkers,
  toolSegments,
  type NormalizedBody,
} from './common.js';

/** Settings that shape the prompt itself (tool config, structured-output schema). */
const SETTINGS = ['toolConfig', 'generationConfig.responseSchema', 'generationConfig.responseJsonSchema', 'generationConfig.responseMimeType'] as const;

/** A cachedContents resource path: `/v1beta/cachedContents[/id]`, or Vertex's `/v1/projects/…/cachedContents[/id]`. */
const CACHE_PATH = /^\/v1[a-z0-9]*\/((?:projects\/[^/]+\/locations\/[^/]+\/)?cachedContents(?:\/[^/:]+)?)$/;

/** The skip reason of a cachedContents call: not a request, but what it says of the object is used. */
export const CACHE_CALL = 'explicit cache call (cachedContents): priced with the requests that read the object';

/** True when the URL is a Gemini explicit-cache call (cachedContents), not a generation request. */
export function isCacheObjectUrl(uri: string | undefined): boolean {
  return uri !== undefined && CACHE_PATH.test(urlPath(uri));
}

function urlPath(uri: string): string {
  const noQuery = uri.replace(/[?#].*$/, '');
  const m = /^[a-z]+:\/\/[^/]+(\/.*)$/i.exec(noQuery);
  return m ? m[1]! : noQuery;
}

/** "3600s" or "1.5s" (a protobuf Duration) as seconds. */
function durationSeconds(v: unknown): number | undefined {
  const m = typeof v === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(v) : null;
  return m ? Number(m[1]) : undefined;
}

/**
 * What a cachedContents call (create, update, get or delete) says of the object: its name, when it was
 * created and expires (the response's times; else the call's time and the body's `ttl`), its size, and
 * when a DELETE ended it. `time`: when the call was made (epoch ms), when the log says.
 */
export function cacheObjectFacts(uri: string, method: string | undefined, body: unknown, response: unknown, time: number | undefined): CacheObjectFacts | undefined {
  const m = CACHE_PATH.exec(urlPath(uri));
  if (!m) return undefined;
  const r = isObject(response) ? response : {};
  const b = isObject(body) ? body : {};
  const fromPath = m[1]!.includes('/cachedContents/') || m[1]!.startsWith('cachedContents/') ? m[1]! : undefined;
  const name = asString(r.name) ?? fromPath;
  if (!name) return undefined;
  const facts: CacheObjectFacts = { name };
  const verb = (method ?? 'POST').toUpperCase();
  const created = toEpochMs(r.createTime) ?? (verb === 'POST' ? time : undefined);
  if (created !== undefined) facts.createdAt = created;
  const ttl = durationSeconds(b.ttl);
  const from = time ?? created;
  const expires = toEpochMs(r.expireTime) ?? toEpochMs(b.expireTime) ?? (ttl !== undefined && from !== undefined ? from + ttl * 1000 : undefined);
  if (expires !== undefined) facts.expiresAt = expires;
  if (verb === 'DELETE' && time !== undefined) facts.deletedAt = time;
  const usage = isObject(r.usageMetadata) ? r.usageMetadata : undefined;
  const tokens = usage && typeof usage.totalTokenCount === 'number' ? usage.totalTokenCount : undefined;
  if (tokens !== undefined) facts.tokens = tokens;
  return facts;
}

/** The model named in a Gemini/Vertex URL (`…/models/gemini-2.5-flash:generateContent`). */
export function geminiModelFromUrl(uri: string | undefined): string | undefined {
  const m = uri ? /\/models\/([^/:?]+)/.exec(uri) : null;
  return m?.[1] ? decodeURIComponent(m[1]) : undefined;
}

function partsText(parts: unknown[]): { text: string; structured: boolean } {
  return renderBlocks(parts, ['text']);
}

/** Normalizes a Gemini generateContent body; the model usually lives in the URL. */
export function normalizeGemini(body: Record<string, unknown>, urlModel?: string): NormalizedBody {
  const model = asString(body.model)?.replace(/^models\//, '') ?? urlModel;
  const segments: Segment[] = [...modelSegment(model), ...settingsSegment('tools', body, SETTINGS)];
  const decls: unknown[] = [];
  for (const tool of asArray(body.tools)) {
    if (isObject(tool) && Array.isArray(tool.functionDeclarations)) decls.push(...tool.functionDeclarations);
    else decls.push(tool);
  }
  segments.push(...toolSegments(decls));
  const si = body.systemInstruction ?? body.system_instruction;
  if (typeof si === 'string') segments.push(makeSegment('system', 'system', 'systemInstruction', si));
  else if (isObject(si)) {
    const r = partsText(asArray(stripMarkers(si.parts).value));
    segments.push(makeSegment('system', 'system', 'systemInstruction', r.text));
  }
  asArray(body.contents).forEach((c, i) => {
    if (!isObject(c)) return;
    const role = asString(c.role) ?? 'user';
    const { value } = stripMarkers(c.parts);
    const r = partsText(asArray(value));
    segments.push(makeSegment('messages', role, `contents[${i}] ${role}`, r.text, r.structured ? { value } : {}));
  });
  const notes: string[] = [];
  // the REST API takes proto field names too: a body written by hand or by another SDK may say cached_content
  const cached = asString(body.cachedContent ?? body.cached_content);
  if (cached) notes.push(`explicit cache ${cached} is referenced: its content is not in the body`);
  const out: NormalizedBody = { provider: 'google', api: 'gemini', segments, lineageKeys: [], notes };
  if (model) out.model = model;
  if (cached) {
    out.promptIncomplete = true;
    out.explicitCache = cached;
  }
  return out;
}
