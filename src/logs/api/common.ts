// Building blocks shared by the request-body normalizers: cache-marker stripping, segment construction,
// settings segments, and the normalized body shape every API normalizer returns.
import { createHash } from 'node:crypto';
import type { CacheMarker, Level, Segment } from '../../model.js';

/** What a request body normalizes to, before the adapter adds file, line, time and lineage. */
export interface NormalizedBody {
  provider: string;
  api: string;
  model?: string;
  segments: Segment[];
  autoCache?: boolean;
  /** candidate lineage keys found in the body, strongest first: [source, value] */
  lineageKeys: Array<[source: string, value: string]>;
  /** the body does not hold the whole prompt (server-side state, scrubbed content) */
  promptIncomplete?: boolean;
  /** the explicit cache object it reads (Gemini `cachedContent`) */
  explicitCache?: string;
  notes: string[];
  /** the longest TTL named by a marker, in seconds */
  markerTtlSeconds?: number;
}

/**
 * Roles of synthetic segments: they carry settings that change the prefix (so a change is seen as a
 * divergence at the right place) but are not prompt text, so they count zero tokens.
 */
export const SYNTHETIC_ROLES: ReadonlySet<string> = new Set(['model', 'settings', 'server-state']);

/** True for segments that hold settings rather than prompt text. */
export function isSynthetic(seg: Segment): boolean {
  return SYNTHETIC_ROLES.has(seg.role);
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Marker keys that are not content: stripped from hashed bytes, kept as `cacheMarker`. */
const MARKER_KEYS = new Set(['cache_control', 'prompt_cache_breakpoint']);

export interface Stripped {
  value: unknown;
  marker?: CacheMarker;
}

/**
 * Would stripMarkers' copy differ from the value? Only when it holds a marker, or a `__proto__` key
 * (an own property in parsed JSON, a prototype change when assigned to the copy). A walk that allocates
 * nothing: agent logs resend every tool definition on every request, and copying them all was ~0.1 s
 * of the analysis thread per GB, plus the garbage.
 */
function needsCopy(v: unknown): boolean {
  if (Array.isArray(v)) {
    for (const item of v) if (isCachePoint(item) || needsCopy(item)) return true;
    return false;
  }
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
    for (const k in v) {
      if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
      if (MARKER_KEYS.has(k) || k === '__proto__' || needsCopy((v as Record<string, unknown>)[k])) return true;
    }
  }
  return false;
}

/**
 * A JSON value without cache markers: `cache_control` / `prompt_cache_breakpoint` keys and Bedrock
 * `{cachePoint}` array elements. The last marker seen (with its TTL) is returned separately. The value
 * itself when there is nothing to strip (it is never modified), else a deep copy.
 */
export function stripMarkers(value: unknown): Stripped {
  if (!needsCopy(value)) return { value };
  let marker: CacheMarker | undefined;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (const item of v) {
        if (isCachePoint(item)) {
          marker = markerOf((item as { cachePoint: unknown }).cachePoint);
          continue;
        }
        out.push(walk(item));
      }
      return out;
    }
    if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
      const out: Record<string, unknown> = {};
      for (const [k, val] of Object.entries(v)) {
        if (MARKER_KEYS.has(k)) {
          marker = markerOf(val);
          continue;
        }
        out[k] = walk(val);
      }
      return out;
    }
    return v;
  };
  const stripped = walk(value);
  return marker ? { value: stripped, marker } : { value: stripped };
}

function isCachePoint(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && 'cachePoint' in v && Object.keys(v).length === 1;
}

function markerOf(v: unknown): CacheMarker {
  const ttl = v && typeof v === 'object' ? (v as { ttl?: unknown }).ttl : undefined;
  return typeof ttl === 'string' ? { ttl } : {};
}

/** TTL string (`5m`, `1h`, `30m`, `300s`) to seconds; undefined when unrecognized. */
export function ttlSeconds(ttl: string | undefined): number | undefined {
  const m = ttl ? /^(\d+)\s*([smh])$/.exec(ttl) : null;
  if (!m) return undefined;
  return Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1);
}

/** Makes a segment; `value` is set for structured content so the canonical chain ignores key order. */
export function makeSegment(
  level: Level,
  role: string,
  label: string,
  text: string,
  extra: { marker?: CacheMarker; value?: unknown } = {},
): Segment {
  const seg: Segment = { level, role, label, text };
  if (extra.marker) seg.cacheMarker = extra.marker;
  if (extra.value !== undefined) seg.value = extra.value;
  return seg;
}

/** The first segment of every request: caches are per model, so a model change breaks everything. */
export function modelSegment(model: string | undefined): Segment[] {
  return model ? [makeSegment('tools', 'model', 'model', model)] : [];
}

/**
 * A settings segment holding the named keys that are present; none when all are absent. Its place in the
 * segment list is the level the settings invalidate.
 */
export function settingsSegment(level: Level, body: Record<string, unknown>, keys: readonly string[], path = ''): Segment[] {
  const picked: Record<string, unknown> = {};
  for (const k of keys) {
    const v = getPath(body, k);
    if (v !== undefined) picked[k] = stripMarkers(v).value;
  }
  const names = Object.keys(picked);
  if (names.length === 0) return [];
  return [makeSegment(level, 'settings', `settings (${path}${names.join(', ')})`, JSON.stringify(picked), { value: picked })];
}

/** Reads `a.b.c` from an object. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Narrowing helpers for untyped JSON. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);
}
export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/**
 * Text of a list of content blocks as the model reads it: text blocks by their text, every other block
 * (tool_use, tool_result, image, …) by its JSON in source key order. Markers are already stripped.
 */
export function renderBlocks(blocks: unknown[], textKeys: readonly string[] = ['text']): { text: string; structured: boolean } {
  let structured = false;
  const parts = blocks.map((b) => {
    if (typeof b === 'string') return b;
    if (isObject(b)) {
      const keys = Object.keys(b).filter((k) => k !== 'type');
      for (const tk of textKeys) {
        if (typeof b[tk] === 'string' && keys.length === 1) return b[tk] as string;
      }
    }
    structured = true;
    return JSON.stringify(b as Json, compactBlobs);
  });
  return { text: parts.join('\n'), structured };
}

/** Long base64 payloads (inline images, files) shorter than this stay verbatim. */
const BLOB_MIN = 1024;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * JSON replacer that stands in a digest for long base64 payloads: the identity of the bytes is kept (a
 * changed image still changes the hash) while token counts are not inflated by text the provider does
 * not tokenize as text.
 */
export function compactBlobs(_key: string, v: unknown): unknown {
  if (typeof v === 'string' && v.length >= BLOB_MIN && BASE64.test(v.slice(0, 4096)) && BASE64.test(v.slice(-4096))) {
    return `<base64 ${v.length} chars sha256:${createHash('sha256').update(v).digest('hex').slice(0, 16)}>`;
  }
  return v;
}

/** A name for a tool definition in any provider shape. */
export function toolName(tool: unknown): string {
  if (!isObject(tool)) return '?';
  const fn = isObject(tool.function) ? tool.function : isObject(tool.toolSpec) ? tool.toolSpec : tool;
  return asString(fn.name) ?? asString(tool.type) ?? '?';
}

/** One segment per tool definition, markers stripped, text in source key order. */
export function toolSegments(tools: unknown[]): Segment[] {
  const out: Segment[] = [];
  tools.forEach((t) => {
    if (isCachePoint(t)) {
      const last = out[out.length - 1];
      if (last) last.cacheMarker = markerOf((t as { cachePoint: unknown }).cachePoint);
      return;
    }
    const { value, marker } = stripMarkers(t);
    const i = out.length;
    out.push(makeSegment('tools', 'tool', `tools[${i}] ${toolName(value)}`, JSON.stringify(value), marker ? { marker, value } : { value }));
  });
  return out;
}
