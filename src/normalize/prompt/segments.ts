// Building segments: plain text segments from scanned templates, and tool segments from YAML/JSON nodes.
import type { CacheMarker, Level, Placeholder, Segment } from '../../model.js';
import type { MappedText, ScannedText } from './types.js';
import { get, serializeJson, str, valueOf, type YamlSource } from './yaml-source.js';

/** A text segment; placeholders are attached only when there are any. */
export function textSegment(level: Level, role: string, label: string, t: MappedText | ScannedText, group?: string): Segment {
  const seg: Segment = { level, role, label, text: t.text, anchors: t.anchors };
  const ph = (t as ScannedText).placeholders as Placeholder[] | undefined;
  if (ph && ph.length > 0) seg.placeholders = ph;
  if (group !== undefined) seg.group = group;
  return seg;
}

/** The cache marker a `cache_control` node describes (`{type: ephemeral, ttl?}`), if present. */
export function cacheMarkerOf(src: YamlSource, node: unknown): CacheMarker | undefined {
  const cc = get(src, node, 'cache_control');
  if (cc === undefined) return undefined;
  const marker: CacheMarker = {};
  const ttl = str(src, get(src, cc, 'ttl'));
  if (ttl !== undefined) marker.ttl = ttl;
  return marker;
}

/** The name of a tool in any supported shape (`name`, or OpenAI's `function.name`). */
export function toolNameOf(src: YamlSource, node: unknown): string | undefined {
  return str(src, get(src, node, 'name')) ?? str(src, get(src, get(src, node, 'function'), 'name'));
}

const CACHE_CONTROL = new Set(['cache_control']);

/**
 * One tool as a segment: text is the JSON serialization in source key order without `cache_control`
 * (a marker is not content), mapped back to the file string by string; value is the same object.
 */
export function toolSegment(src: YamlSource, node: unknown, index: number, group?: string): Segment {
  const name = toolNameOf(src, node);
  const mapped = serializeJson(src, node, CACHE_CONTROL);
  const value = valueOf(src, node);
  if (value && typeof value === 'object' && !Array.isArray(value)) delete (value as Record<string, unknown>)['cache_control'];
  const seg: Segment = {
    level: 'tools',
    role: 'tool',
    label: name === undefined ? `tools[${index}]` : `tools[${index}] ${name}`,
    text: mapped.text,
    anchors: mapped.anchors,
    value,
  };
  const marker = cacheMarkerOf(src, node);
  if (marker) seg.cacheMarker = marker;
  if (group !== undefined) seg.group = group;
  return seg;
}
