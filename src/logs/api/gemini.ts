// Gemini generateContent bodies → segments in render order: model, settings, tools (one per function
// declaration), systemInstruction, contents.
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
  type NormalizedBody,
} from './common.js';

/** Settings that shape the prompt itself (tool config, structured-output schema). */
const SETTINGS = ['toolConfig', 'generationConfig.responseSchema', 'generationConfig.responseJsonSchema', 'generationConfig.responseMimeType'] as const;

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
