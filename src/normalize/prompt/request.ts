// Request-shaped prompt files: an Anthropic Messages or OpenAI Chat body written as one YAML or JSON
// document (e.g. Amp's thread export). Segments come out in render order: tools, system, messages.
import type { Level, PromptDoc, Segment, SourceFile } from '../../model.js';
import { cacheMarkerOf, textSegment, toolSegment } from './segments.js';
import type { MappedText } from './types.js';
import { entries, get, has, items, mappedString, parseYaml, root, serializeJson, str, type YamlSource } from './yaml-source.js';

const SYSTEM_ROLES = new Set(['system', 'developer']);
const OMIT_IN_BLOCK = new Set(['cache_control']);

/**
 * Parses a request body. Text is taken as written (a body is already rendered, so no placeholders are
 * looked for); cache_control markers become segment markers and a top-level one sets autoCache.
 */
export function parseRequest(file: SourceFile): PromptDoc {
  const src = parseYaml(file);
  const top = root(src);
  const segments: Segment[] = [];
  const doc: PromptDoc = {
    file,
    kind: 'template',
    syntax: /^\s*[[{]/.test(file.text) ? 'json' : 'yaml',
    format: 'request',
    segments,
  };
  const model = str(src, get(src, top, 'model'));
  if (model !== undefined) doc.model = model;
  if (has(src, top, 'cache_control')) doc.autoCache = true;

  items(src, get(src, top, 'tools')).forEach((t, i) => segments.push(toolSegment(src, t, i)));

  const system = get(src, top, 'system');
  const systemText = mappedString(src, system);
  if (systemText) segments.push(textSegment('system', 'system', 'system', systemText));
  else items(src, system).forEach((b, i) => segments.push(blockSegment(src, b, 'system', 'system', `system[${i}]`)));

  let seenMessage = false;
  items(src, get(src, top, 'messages')).forEach((m, i) => {
    const role = str(src, get(src, m, 'role')) ?? 'user';
    const level: Level = SYSTEM_ROLES.has(role) && !seenMessage ? 'system' : 'messages';
    if (level === 'messages') seenMessage = true;
    const label = `messages[${i}] ${role}`;
    const content = get(src, m, 'content');
    const text = mappedString(src, content);
    if (text) {
      const seg = textSegment(level, role, label, text);
      const marker = cacheMarkerOf(src, m);
      if (marker) seg.cacheMarker = marker;
      segments.push(seg);
    } else {
      items(src, content).forEach((b, j) => segments.push(blockSegment(src, b, level, role, `messages[${i}].content[${j}] ${role}`)));
    }
    // OpenAI assistant turns carry tool calls beside (or instead of) content.
    if (get(src, m, 'tool_calls') !== undefined) {
      const calls = serializeJson(src, get(src, m, 'tool_calls'));
      segments.push(textSegment('messages', 'tool_use', `messages[${i}] tool_calls`, calls));
    }
  });
  const provider = guessProvider(src, top, segments);
  if (provider !== undefined) doc.provider = provider;
  return doc;
}

/** A content block: text blocks give their text; others (images, tool_use, tool_result) their JSON. */
function blockSegment(src: YamlSource, block: unknown, level: Level, role: string, label: string): Segment {
  const type = str(src, get(src, block, 'type')) ?? 'text';
  const text: MappedText | undefined = mappedString(src, get(src, block, 'text')) ?? mappedString(src, block);
  const blockRole = type === 'tool_result' || type === 'tool_use' ? type : role;
  const seg = textSegment(level, blockRole, label, text ?? serializeJson(src, block, OMIT_IN_BLOCK));
  const marker = cacheMarkerOf(src, block);
  if (marker) seg.cacheMarker = marker;
  return seg;
}

/** The provider a body is written for, from its shape; undefined when nothing tells. */
function guessProvider(src: YamlSource, top: unknown, segments: Segment[]): string | undefined {
  const keys = new Set(entries(src, top).map((e) => e.key));
  const tools = segments.filter((s) => s.level === 'tools').map((s) => s.value as Record<string, unknown>);
  if (keys.has('system') || keys.has('anthropic_version') || keys.has('cache_control') || segments.some((s) => s.cacheMarker)) return 'anthropic';
  if (tools.some((t) => t && 'input_schema' in t)) return 'anthropic';
  if (tools.some((t) => t && 'function' in t)) return 'openai';
  if (segments.some((s) => s.role === 'developer') || keys.has('max_completion_tokens') || keys.has('response_format')) return 'openai';
  const model = str(src, get(src, top, 'model')) ?? '';
  if (/^claude/i.test(model)) return 'anthropic';
  if (/^(gpt|o\d|chatgpt)/i.test(model)) return 'openai';
  if (segments.some((s) => s.level === 'system' && s.label.startsWith('messages['))) return 'openai';
  return undefined;
}
