// LangChain serialized prompts (JSON or YAML): `_type: prompt`, `chat` and `few_shot`.
import type { Level, PromptDoc, Segment, SourceFile, TemplateSyntax } from '../../model.js';
import { malformed } from './fail.js';
import { fromSlice, spliceMapped } from './mapped.js';
import { scanTemplate, type Dialect } from './scan.js';
import { textSegment } from './segments.js';
import type { MappedText, ScannedText } from './types.js';
import { entries, get, items, mappedString, nodeStart, parseYaml, root, str, type YamlSource } from './yaml-source.js';

const ROLES: Record<string, string> = { human: 'user', ai: 'assistant', system: 'system', user: 'user', assistant: 'assistant' };

/** LangChain's `template_format` → scanner dialect and the syntax recorded on the doc. */
function formatOf(src: YamlSource, node: unknown): { dialect: Dialect; syntax: TemplateSyntax } {
  const f = (str(src, get(src, node, 'template_format')) ?? 'f-string').toLowerCase();
  if (f === 'jinja2' || f === 'jinja') return { dialect: 'jinja', syntax: 'jinja' };
  if (f === 'mustache') return { dialect: 'handlebars', syntax: 'mustache' };
  return { dialect: 'fstring', syntax: 'fstring' };
}

interface Ctx {
  src: YamlSource;
  file: SourceFile;
  notes: string[];
  partials: Map<string, MappedText>;
}

/** Parses a serialized LangChain prompt template. */
export function parseLangchain(file: SourceFile): PromptDoc {
  const src = parseYaml(file);
  const top = root(src);
  const type = str(src, get(src, top, '_type'));
  const ctx: Ctx = { src, file, notes: [], partials: new Map() };
  for (const e of entries(src, get(src, top, 'partial_variables'))) {
    const v = mappedString(src, e.value);
    if (v) ctx.partials.set(e.key, v);
  }
  const { dialect, syntax } = formatOf(src, top);
  const segments: Segment[] = [];
  const doc: PromptDoc = { file, kind: 'template', syntax, format: `langchain-${(type ?? '').replace(/_/g, '-')}`, segments };
  if (type === 'prompt') {
    segments.push(templateSegment(ctx, top, 'template', dialect, 'system', 'system'));
  } else if (type === 'chat') {
    const list = get(src, top, 'messages') ?? get(src, top, 'template');
    let seenMessage = false;
    items(src, list).forEach((m, i) => {
      const rawRole = (str(src, get(src, m, 'role')) ?? str(src, get(src, m, 'type')) ?? 'user').toLowerCase();
      const role = ROLES[rawRole] ?? rawRole;
      const level: Level = role === 'system' && !seenMessage ? 'system' : 'messages';
      if (level === 'messages') seenMessage = true;
      const holder = get(src, m, 'content') !== undefined ? m : get(src, m, 'prompt');
      const key = get(src, m, 'content') !== undefined ? 'content' : 'template';
      const label = level === 'system' ? 'system' : `messages[${i}] ${role}`;
      const own = get(src, holder, 'template_format') !== undefined ? formatOf(src, holder).dialect : dialect;
      segments.push(templateSegment(ctx, holder, key, own, level, role, label));
    });
  } else if (type === 'few_shot') {
    fewShot(ctx, top, dialect, segments);
  } else {
    throw malformed(file, nodeStart(src, top), `unknown LangChain _type ${JSON.stringify(type ?? null)}; expected prompt, chat or few_shot`);
  }
  if (ctx.partials.size > 0) ctx.notes.push(`partial variables rendered as fixed text: ${[...ctx.partials.keys()].join(', ')}`);
  if (ctx.notes.length > 0) doc.notes = [...new Set(ctx.notes)];
  return doc;
}

/** A template string under `key` of `holder` (or a `template_path` include) as one segment. */
function templateSegment(
  ctx: Ctx,
  holder: unknown,
  key: string,
  dialect: Dialect,
  level: Level,
  role: string,
  label = key,
): Segment {
  const { src } = ctx;
  const node = get(src, holder, key);
  const mapped = mappedString(src, node);
  if (!mapped) {
    const path = get(src, holder, `${key}_path`);
    const p = mappedString(src, path);
    if (p) return includeSegment(p, level, role, label);
    throw malformed(ctx.file, nodeStart(src, node ?? holder), `LangChain ${label}: expected a template string`);
  }
  return textSegment(level, role, label, render(ctx, mapped, dialect));
}

/** Scans a template and renders partial variables into it. */
function render(ctx: Ctx, mapped: MappedText, dialect: Dialect): ScannedText {
  const scanned = scanTemplate(mapped, dialect, ctx.file);
  ctx.notes.push(...scanned.notes);
  let out: ScannedText = scanned;
  for (const ph of [...scanned.placeholders].reverse()) {
    const value = ctx.partials.get(ph.expr);
    if (value) out = spliceMapped(out, ph.start, ph.end, value);
  }
  return out;
}

function includeSegment(name: MappedText, level: Level, role: string, label: string): Segment {
  return textSegment(level, role, label, { ...name, placeholders: [{ start: 0, end: name.text.length, expr: name.text, kind: 'include' }] });
}

/** prefix, then the examples (inline, from a file, or chosen by a selector), then suffix. */
function fewShot(ctx: Ctx, top: unknown, dialect: Dialect, segments: Segment[]): void {
  const { src } = ctx;
  if (get(src, top, 'prefix') !== undefined) segments.push(templateSegment(ctx, top, 'prefix', dialect, 'system', 'system'));
  const examples = get(src, top, 'examples');
  const selector = entries(src, top).find((e) => e.key === 'example_selector');
  const fileName = mappedString(src, examples);
  if (fileName) {
    segments.push(includeSegment(fileName, 'system', 'example', 'examples'));
    ctx.notes.push(`few-shot examples are loaded from ${fileName.text} at render time`);
  } else if (items(src, examples).length > 0) {
    const examplePrompt = get(src, top, 'example_prompt');
    const tmplNode = get(src, examplePrompt, 'template');
    const tmpl = mappedString(src, tmplNode);
    const exDialect = formatOf(src, examplePrompt).dialect;
    items(src, examples).forEach((ex, i) => {
      const label = `examples[${i}]`;
      if (!tmpl) {
        const fallback = mappedString(src, ex);
        if (fallback) segments.push(textSegment('system', 'example', label, fallback));
        return;
      }
      // Each example renders the example prompt with its own values (static data, so static text).
      let out = render(ctx, tmpl, exDialect);
      for (const ph of [...out.placeholders].reverse()) {
        const v = get(src, ex, ph.expr);
        const mapped = mappedString(src, v) ?? scalarText(src, v);
        if (mapped) out = spliceMapped(out, ph.start, ph.end, mapped);
      }
      segments.push(textSegment('system', 'example', label, out));
    });
  } else if (selector) {
    const at = nodeStart(src, selector.keyNode);
    segments.push(
      textSegment('system', 'example', 'example_selector', {
        ...fromSlice('example_selector', at),
        placeholders: [{ start: 0, end: 'example_selector'.length, expr: 'example_selector', kind: 'block' }],
      }),
    );
    ctx.notes.push('few-shot examples are chosen by an example selector at render time');
  }
  if (get(src, top, 'suffix') !== undefined) segments.push(templateSegment(ctx, top, 'suffix', dialect, 'system', 'system'));
}

/** A number or boolean value written in the file, as text. */
function scalarText(src: YamlSource, node: unknown): MappedText | undefined {
  const v = (node as { value?: unknown } | undefined)?.value;
  if (typeof v === 'number' || typeof v === 'boolean') return fromSlice(String(v), nodeStart(src, node));
  return undefined;
}
