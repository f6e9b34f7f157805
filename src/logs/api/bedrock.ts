// Bedrock Converse bodies → segments in render order: model, toolConfig.tools, system, toolChoice
// (invalidates messages only, like Anthropic tool_choice), messages. `cachePoint` blocks are markers.
import type { Segment } from '../../model.js';
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
  ttlSeconds,
  type NormalizedBody,
} from './common.js';

/** The model id in a Bedrock runtime URL (`/model/<id>/converse` or `/invoke`), URL-decoded. */
export function bedrockModelFromUrl(uri: string | undefined): string | undefined {
  const m = uri ? /\/model\/([^/]+)\/(converse|converse-stream|invoke|invoke-with-response-stream)\b/.exec(uri) : null;
  return m?.[1] ? decodeURIComponent(m[1]) : undefined;
}

/** Splits a block list on `{cachePoint}` elements: each kept block knows whether a marker follows it. */
function blocksWithMarkers(blocks: unknown[]): Array<{ value: unknown; marker?: Segment['cacheMarker'] }> {
  const out: Array<{ value: unknown; marker?: Segment['cacheMarker'] }> = [];
  for (const b of blocks) {
    if (isObject(b) && 'cachePoint' in b && Object.keys(b).length === 1) {
      const last = out[out.length - 1];
      const ttl = isObject(b.cachePoint) ? asString(b.cachePoint.ttl) : undefined;
      if (last) last.marker = ttl ? { ttl } : {};
      continue;
    }
    out.push({ value: stripMarkers(b).value });
  }
  return out;
}

/** Normalizes a Bedrock Converse body. */
export function normalizeBedrockConverse(body: Record<string, unknown>, urlModel?: string): NormalizedBody {
  const model = asString(body.modelId) ?? urlModel;
  const segments: Segment[] = [...modelSegment(model)];
  const toolConfig = isObject(body.toolConfig) ? body.toolConfig : {};
  segments.push(...toolSegments(asArray(toolConfig.tools)));
  blocksWithMarkers(asArray(body.system)).forEach(({ value, marker }, i) => {
    const r = renderBlocks([value]);
    segments.push(makeSegment('system', 'system', `system[${i}]`, r.text, { ...(marker ? { marker } : {}), ...(r.structured ? { value } : {}) }));
  });
  segments.push(...settingsSegment('messages', toolConfig, ['toolChoice'], 'toolConfig.'));
  asArray(body.messages).forEach((msg, i) => {
    if (!isObject(msg)) return;
    const role = asString(msg.role) ?? 'user';
    const blocks = blocksWithMarkers(asArray(msg.content));
    const r = renderBlocks(blocks.map((b) => b.value));
    const marker = blocks.find((b) => b.marker)?.marker;
    segments.push(makeSegment('messages', role, `messages[${i}] ${role}`, r.text, { ...(marker ? { marker } : {}), ...(r.structured ? { value: blocks.map((b) => b.value) } : {}) }));
  });
  let maxTtl: number | undefined;
  for (const s of segments) if (s.cacheMarker) maxTtl = Math.max(maxTtl ?? 0, ttlSeconds(s.cacheMarker.ttl ?? '5m') ?? 300);
  const out: NormalizedBody = { provider: 'bedrock', api: 'bedrock-converse', segments, lineageKeys: [], notes: [] };
  if (model) out.model = model;
  if (maxTtl !== undefined) out.markerTtlSeconds = maxTtl;
  return out;
}
