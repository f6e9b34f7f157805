// Anthropic Messages bodies (first party and Bedrock InvokeModel) → segments in render order:
// model, tools, system, settings that invalidate messages (tool_choice, thinking, effort), messages —
// whatever order the JSON keys came in (providers.md §1.2–1.3).
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

/**
 * Settings that keep the tools and system caches but invalidate messages (providers.md §1.3: tool_choice
 * ✓/✓/✘; thinking and effort are model-specific for tools/system, so we place them at the latest level
 * they certainly invalidate).
 */
const MESSAGE_LEVEL_SETTINGS = ['tool_choice', 'thinking', 'output_config.effort'] as const;

/** Normalizes an Anthropic Messages body. `provider` is `anthropic` or `bedrock`; `model` may come from the URL. */
export function normalizeAnthropic(body: Record<string, unknown>, provider = 'anthropic', urlModel?: string): NormalizedBody {
  const model = asString(body.model) ?? urlModel;
  const notes: string[] = [];
  const segments: Segment[] = [...modelSegment(model)];
  let maxTtl: number | undefined;
  const noteTtl = (ttl: string | undefined): void => {
    const s = ttlSeconds(ttl ?? '5m');
    if (s !== undefined) maxTtl = Math.max(maxTtl ?? 0, s);
  };

  const tools = toolSegments(asArray(body.tools));
  segments.push(...tools);

  const system = body.system;
  if (typeof system === 'string') {
    segments.push(makeSegment('system', 'system', 'system', system));
  } else if (Array.isArray(system)) {
    system.forEach((block, i) => {
      const { value, marker } = stripMarkers(block);
      const { text, structured } = renderBlocks([value]);
      segments.push(makeSegment('system', 'system', `system[${i}]`, text, { ...(marker ? { marker } : {}), ...(structured ? { value } : {}) }));
    });
  }

  segments.push(...settingsSegment('messages', body, MESSAGE_LEVEL_SETTINGS));

  asArray(body.messages).forEach((msg, i) => {
    if (!isObject(msg)) return;
    const role = asString(msg.role) ?? 'user';
    const { value, marker } = stripMarkers(msg.content);
    let text: string;
    let structured = false;
    if (typeof value === 'string') text = value;
    else {
      const r = renderBlocks(asArray(value));
      text = r.text;
      structured = r.structured;
    }
    segments.push(
      makeSegment('messages', role, `messages[${i}] ${role}`, text, { ...(marker ? { marker } : {}), ...(structured ? { value } : {}) }),
    );
  });

  for (const seg of segments) if (seg.cacheMarker) noteTtl(seg.cacheMarker.ttl);
  const top = isObject(body.cache_control) ? body.cache_control : undefined;
  if (top) noteTtl(asString(top.ttl));

  const lineageKeys: NormalizedBody['lineageKeys'] = [];
  const meta = isObject(body.metadata) ? body.metadata : undefined;
  const user = meta ? asString(meta.user_id) : undefined;
  if (user) lineageKeys.push(['metadata.user_id', user]);

  const out: NormalizedBody = {
    provider,
    api: 'anthropic-messages',
    segments,
    lineageKeys,
    notes,
  };
  if (model) out.model = model;
  if (top) out.autoCache = true;
  if (maxTtl !== undefined) out.markerTtlSeconds = maxTtl;
  return out;
}
