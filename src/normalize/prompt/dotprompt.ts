// Dotprompt (.prompt): YAML front matter plus a Handlebars body split into turns by {{role "…"}} markers.
import type { Level, PromptDoc, Segment, SourceFile } from '../../model.js';
import { splitFrontMatter } from './front-matter.js';
import { fromSlice, sliceScanned, trimScanned } from './mapped.js';
import { scanTemplate } from './scan.js';
import { textSegment } from './segments.js';
import type { ScannedText } from './types.js';
import { get, items, parseYaml, serializeJson, str, valueOf } from './yaml-source.js';

/** Dotprompt's model name prefixes → provider. */
const PROVIDERS: Record<string, string> = {
  googleai: 'google',
  vertexai: 'google',
  openai: 'openai',
  anthropic: 'anthropic',
  ollama: 'ollama',
};

const ROLE_MARKER = /^role\s+["']([A-Za-z_]+)["']$/;

/** Parses a Dotprompt file: tools named in front matter, then system, then the turns in order. */
export function parseDotprompt(file: SourceFile): PromptDoc {
  const fm = splitFrontMatter(file, true);
  const notes: string[] = [];
  const segments: Segment[] = [];
  const doc: PromptDoc = { file, kind: 'template', syntax: 'dotprompt', format: 'dotprompt', segments };
  if (fm) {
    if (fm.openAt > 0) notes.push('comment lines before the front matter are treated as a file header, not prompt text');
    const src = parseYaml(file, fm.yamlStart, fm.yamlEnd, 'front matter', true);
    if (src.recovered.length > 0) {
      const more = src.recovered.length > 1 ? ` and ${src.recovered.length - 1} more error(s)` : '';
      notes.push(`front matter is not valid YAML (${src.recovered[0]}${more}); kept what parsed`);
    }
    const model = str(src, get(src, src.doc.contents, 'model'));
    if (model !== undefined) {
      doc.model = model;
      const prefix = model.includes('/') ? model.slice(0, model.indexOf('/')) : '';
      if (PROVIDERS[prefix]) doc.provider = PROVIDERS[prefix];
    }
    const toolsNode = get(src, src.doc.contents, 'tools');
    if (items(src, toolsNode).length > 0) {
      // Tools are referenced by name; the definitions live in code. Their order is what reaches the model.
      const mapped = serializeJson(src, toolsNode);
      segments.push({ level: 'tools', role: 'tool', label: 'tools', text: mapped.text, anchors: mapped.anchors, value: valueOf(src, toolsNode) });
    }
  }
  const bodyStart = fm ? fm.bodyStart : 0;
  const scanned = scanTemplate(fromSlice(file.text.slice(bodyStart), bodyStart), 'handlebars', file);
  notes.push(...scanned.notes);
  segments.push(...splitTurns(scanned));
  if (notes.length > 0) doc.notes = notes;
  return doc;
}

/** Cuts the body at role markers (which render nothing) and at {{history}} (a run of messages). */
function splitTurns(body: ScannedText): Segment[] {
  const out: Segment[] = [];
  let role = 'user';
  let from = 0;
  let turn = 0;
  let seenMessage = false;
  const flush = (end: number): void => {
    const piece = trimScanned(sliceScanned(body, from, end));
    if (piece.text === '') return;
    const level: Level = role === 'system' && !seenMessage ? 'system' : 'messages';
    if (level === 'messages') seenMessage = true;
    const label = level === 'system' ? 'system' : `messages[${turn++}] ${role}`;
    out.push(textSegment(level, role, label, piece));
  };
  for (const ph of body.placeholders) {
    const m = ROLE_MARKER.exec(ph.expr);
    if (m) {
      flush(ph.start);
      const r = (m[1] as string).toLowerCase();
      role = r === 'model' ? 'assistant' : r;
      from = ph.end;
    } else if (ph.expr === 'history') {
      flush(ph.start);
      seenMessage = true;
      out.push(textSegment('messages', 'history', 'history', sliceScanned(body, ph.start, ph.end)));
      from = ph.end;
    }
  }
  flush(body.text.length);
  return out;
}
