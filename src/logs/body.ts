// Decoding recorded HTTP bodies: plain strings, vcrpy `{string: …}` wrappers, `!!binary` base64 bytes,
// gzip, pydantic-ai `parsed_body`, and server-sent-event streams.
import { gunzipSync } from 'node:zlib';
import { isObject } from './api/common.js';
import { cacheDiagnosticsFrom, cacheDiagnosticsFromSse, parseSseEvents, usageFromResponse, usageFromSse } from './usage.js';
import type { ProviderCacheDiagnostics, ReportedUsage } from '../model.js';

/** A decoded body: its JSON value when it is JSON, its SSE events when it is a stream, else its text. */
export interface DecodedBody {
  json?: unknown;
  events?: unknown[];
  text?: string;
  /** what went wrong while decoding, if anything */
  error?: string;
}

function bytesToText(bytes: Uint8Array): { text?: string; error?: string } {
  let buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (e) {
      return { error: `gzip body cannot be decompressed: ${(e as Error).message}` };
    }
  }
  return { text: buf.toString('utf8') };
}

/** Decodes a recorded body in any of the cassette shapes. */
export function decodeBody(body: unknown, parsed?: unknown): DecodedBody {
  if (parsed !== undefined && parsed !== null) return { json: parsed };
  let raw = body;
  if (isObject(raw) && 'string' in raw) raw = raw.string;
  if (raw === undefined || raw === null) return {};
  let text: string;
  if (raw instanceof Uint8Array) {
    const r = bytesToText(raw);
    if (r.error !== undefined || r.text === undefined) return { error: r.error ?? 'unreadable body' };
    text = r.text;
  } else if (typeof raw === 'string') text = raw;
  else if (isObject(raw) || Array.isArray(raw)) return { json: raw };
  else return { text: String(raw) };
  const t = text.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return { json: JSON.parse(text) };
    } catch {
      return { text, error: 'body is not valid JSON' };
    }
  }
  if (/^(event|data|id|retry):/m.test(t.slice(0, 200))) return { events: parseSseEvents(text), text };
  return { text };
}

/** Usage reported in a decoded response body (JSON or SSE). */
export function usageFromDecoded(d: DecodedBody): ReportedUsage | undefined {
  if (d.json !== undefined) return usageFromResponse(d.json);
  if (d.events) return usageFromSse(d.events);
  return undefined;
}

/** The provider's cache diagnostics in a decoded response body (JSON or SSE). */
export function diagnosticsFromDecoded(d: DecodedBody): ProviderCacheDiagnostics | undefined {
  if (d.json !== undefined) return cacheDiagnosticsFrom(d.json);
  if (d.events) return cacheDiagnosticsFromSse(d.events);
  return undefined;
}
