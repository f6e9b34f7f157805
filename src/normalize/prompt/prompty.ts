// Prompty (.prompty): YAML front matter (model, sample, v2 tools) plus a Jinja body whose turns start
// at `system:` / `user:` / `assistant:` lines.
import type { Level, PromptDoc, Segment, SourceFile } from '../../model.js';
import { splitFrontMatter } from './front-matter.js';
import { fromSlice, sliceScanned, trimScanned } from './mapped.js';
import { scanTemplate, type Dialect } from './scan.js';
import { textSegment, toolSegment } from './segments.js';
import { get, items, parseYaml, str, type YamlSource } from './yaml-source.js';

const ROLE_LINE = /^[ \t]*#?[ \t]*(system|user|assistant|developer|function|tool)[ \t]*:[ \t]*$/gim;

/** configuration.type → provider. */
const PROVIDERS: Record<string, string> = {
  openai: 'openai',
  azure_openai: 'openai',
  azure: 'openai',
  anthropic: 'anthropic',
};

/** Parses a Prompty file: front-matter tools, then the body's turns in order. */
export function parsePrompty(file: SourceFile): PromptDoc {
  const fm = splitFrontMatter(file);
  const segments: Segment[] = [];
  const notes: string[] = [];
  const doc: PromptDoc = { file, kind: 'template', syntax: 'prompty', format: 'prompty', segments };
  let dialect: Dialect = 'jinja';
  if (fm) {
    const src = parseYaml(file, fm.yamlStart, fm.yamlEnd, 'front matter', true);
    if (src.recovered.length > 0) {
      const more = src.recovered.length > 1 ? ` and ${src.recovered.length - 1} more error(s)` : '';
      notes.push(`front matter is not valid YAML (${src.recovered[0]}${more}); kept what parsed`);
    }
    const top = src.doc.contents;
    readModel(src, top, doc);
    const template = get(src, top, 'template');
    const fmt = (str(src, template) ?? str(src, get(src, template, 'format')) ?? '').toLowerCase();
    if (fmt === 'mustache' || fmt === 'handlebars') dialect = 'handlebars';
    items(src, get(src, top, 'tools')).forEach((t, i) => segments.push(toolSegment(src, t, i)));
  }
  const bodyStart = fm ? fm.bodyStart : 0;
  const body = scanTemplate(fromSlice(file.text.slice(bodyStart), bodyStart), dialect, file);
  notes.push(...body.notes);

  // Turns: text before the first role line is a system prompt, as Prompty treats an untagged body.
  let role = 'system';
  let from = 0;
  let turn = 0;
  let seenMessage = false;
  const flush = (end: number): void => {
    const piece = trimScanned(sliceScanned(body, from, end));
    if (piece.text === '') return;
    const level: Level = (role === 'system' || role === 'developer') && !seenMessage ? 'system' : 'messages';
    if (level === 'messages') seenMessage = true;
    segments.push(textSegment(level, role, level === 'system' ? role : `messages[${turn++}] ${role}`, piece));
  };
  ROLE_LINE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = ROLE_LINE.exec(body.text))) {
    const at = m.index;
    if (body.placeholders.some((p) => at >= p.start && at < p.end)) continue;
    flush(at);
    role = (m[1] as string).toLowerCase();
    from = at + m[0].length;
  }
  flush(body.text.length);
  if (notes.length > 0) doc.notes = notes;
  return doc;
}

function readModel(src: YamlSource, top: unknown, doc: PromptDoc): void {
  const model = get(src, top, 'model');
  const conf = get(src, model, 'configuration');
  const name = str(src, get(src, model, 'id')) ?? str(src, get(src, conf, 'model')) ?? str(src, get(src, conf, 'name'));
  if (name !== undefined) doc.model = name;
  const type = (str(src, get(src, conf, 'type')) ?? str(src, get(src, model, 'provider')) ?? '').toLowerCase();
  if (PROVIDERS[type]) doc.provider = PROVIDERS[type];
}
