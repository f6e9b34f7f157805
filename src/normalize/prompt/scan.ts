// Scanning template text for placeholders and comments, per syntax. Comments are removed (they never
// reach the model); tags stay verbatim in the text and are listed as placeholders.
import type { Placeholder, SourceFile } from '../../model.js';
import { malformed } from './fail.js';
import { composeAnchors, mapOffset, pushAnchor } from './mapped.js';
import type { MappedText, ScannedText } from './types.js';

/**
 * Template dialects: `jinja` ({{ }}, {% %}, {# #}); `handlebars` (also Mustache: {{x}}, {{{x}}}, {{#…}},
 * {{> p}}, {{! }}); `plain`/`markdown` (text that may hold {{x}}, ${expr} and Python {name} fields; nothing
 * is removed); `fstring` (Python str.format: {name}, with {{ and }} rendering as braces); `none` (literal).
 */
export type Dialect = 'jinja' | 'handlebars' | 'plain' | 'markdown' | 'fstring' | 'none';

/** Scan result plus remarks for PromptDoc.notes. */
export interface ScanResult extends ScannedText {
  notes: string[];
}

/** Longest `${…}` or `{{…}}` taken as a placeholder in plain text; longer is prose that happens to match. */
const MAX_PLAIN_EXPR = 4000;
const MAX_PLAIN_MUSTACHE = 200;

/** Output under construction: the text and a map from output offsets to input offsets. */
class Out {
  s = '';
  map: Array<[number, number]> = [];

  copy(input: string, start: number, end: number): void {
    if (end <= start) return;
    pushAnchor(this.map, this.s.length, start);
    this.s += input.slice(start, end);
  }

  /** Appends synthesized text standing for the input at `inPos` (e.g. `{` for an f-string `{{`). */
  emit(str: string, inPos: number): void {
    pushAnchor(this.map, this.s.length, inPos);
    this.s += str;
  }

  /** Drops trailing whitespace (whitespace control such as `{%-` or `{{~`). */
  trimEnd(): void {
    const len = this.s.replace(/\s+$/, '').length;
    this.s = this.s.slice(0, len);
    while (this.map.length > 0 && (this.map[this.map.length - 1] as [number, number])[0] >= len && this.map.length > 1) {
      this.map.pop();
    }
  }

  finish(): Array<[number, number]> {
    return this.map.filter(([a]) => a <= this.s.length);
  }
}

/**
 * Scans `input` (text mapped to `file`) in the given dialect. Malformed tags in Jinja and Handlebars
 * (an unterminated `{{`, `{%`, `{#` or comment) throw KVE306 naming the line; plain text never throws.
 */
export function scanTemplate(input: MappedText, dialect: Dialect, file: SourceFile): ScanResult {
  const ctx: Ctx = {
    text: input.text,
    out: new Out(),
    placeholders: [],
    notes: [],
    fail: (offset: number, message: string) => malformed(file, mapOffset(input.anchors, offset), message),
  };
  switch (dialect) {
    case 'jinja':
      scanJinja(ctx);
      break;
    case 'handlebars':
      scanHandlebars(ctx);
      break;
    case 'plain':
    case 'markdown':
      scanPlain(ctx, dialect === 'markdown');
      break;
    case 'fstring':
      scanFString(ctx);
      break;
    case 'none':
      ctx.out.copy(ctx.text, 0, ctx.text.length);
      break;
  }
  const text = ctx.out.s;
  const outMap = ctx.out.finish();
  return {
    text,
    anchors: composeAnchors(outMap.length > 0 ? outMap : [[0, 0]], input.anchors, text.length),
    placeholders: ctx.placeholders,
    notes: ctx.notes,
  };
}

interface Ctx {
  text: string;
  out: Out;
  placeholders: Placeholder[];
  notes: string[];
  fail: (offset: number, message: string) => Error;
}

/** Copies a tag verbatim and records it as a placeholder. */
function tag(ctx: Ctx, start: number, end: number, expr: string, kind: Placeholder['kind']): void {
  const at = ctx.out.s.length;
  ctx.out.copy(ctx.text, start, end);
  ctx.placeholders.push({ start: at, end: at + (end - start), expr, kind });
}

/**
 * Index of `close` at or after `from`, skipping quoted strings inside the tag; -1 when absent.
 * A quote left open makes the rest of the text part of the tag, which is then unterminated.
 */
function findClose(text: string, from: number, close: string): number {
  let quote = '';
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (text.startsWith(close, i)) return i;
  }
  // Retry without quote tracking: an apostrophe in a tag is more often prose than a string.
  return quote ? text.indexOf(close, from) : -1;
}

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i] as string)) i++;
  return i;
}

// ---------------------------------------------------------------------------------------------- Jinja

const JINJA_INCLUDES = new Set(['include', 'import', 'from', 'extends']);

function scanJinja(ctx: Ctx): void {
  const { text, out } = ctx;
  let lit = 0;
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{', i);
    if (open === -1 || open + 1 >= text.length) break;
    const next = text[open + 1];
    if (next !== '{' && next !== '%' && next !== '#') {
      i = open + 1;
      continue;
    }
    out.copy(text, lit, open);
    const trimBefore = text[open + 2] === '-';
    if (next === '#') {
      const end = text.indexOf('#}', open + 2);
      if (end === -1) throw ctx.fail(open, 'unterminated Jinja comment: `{#` has no closing `#}`');
      if (trimBefore) out.trimEnd();
      i = end + 2;
      if (end - 1 > open + 2 && text[end - 1] === '-') i = skipWhitespace(text, i);
      lit = i;
      continue;
    }
    const close = next === '{' ? '}}' : '%}';
    const end = findClose(text, open + 2, close);
    if (end === -1) throw ctx.fail(open, `unterminated Jinja tag: \`{${next}\` has no closing \`${close}\``);
    const inner = text.slice(open + 2, end);
    const trimAfter = /-\s*$/.test(inner) && inner.trim() !== '-';
    const expr = inner.replace(/^[-+]/, '').replace(/[-+]$/, '').trim();
    if (trimBefore) out.trimEnd();
    let after = end + 2;
    if (next === '{') {
      tag(ctx, open, after, expr, 'variable');
    } else {
      const keyword = /^\w+/.exec(expr)?.[0] ?? '';
      if (keyword === 'raw') {
        // {% raw %}…{% endraw %} renders its content literally; the raw tags themselves render nothing.
        const endRaw = /\{%-?\s*endraw\s*-?%\}/g;
        endRaw.lastIndex = after;
        const m = endRaw.exec(text);
        if (!m) throw ctx.fail(open, 'unterminated `{% raw %}` block: no `{% endraw %}`');
        out.copy(text, trimAfter ? skipWhitespace(text, after) : after, m.index);
        after = m.index + m[0].length;
      } else {
        tag(ctx, open, after, expr, JINJA_INCLUDES.has(keyword) ? 'include' : 'block');
      }
    }
    i = trimAfter ? skipWhitespace(text, after) : after;
    lit = i;
  }
  out.copy(text, lit, text.length);
}

// ----------------------------------------------------------------------------------------- Handlebars

/** Classifies the inside of a Handlebars/Mustache tag (without braces and `~`). */
function handlebarsTag(inner: string): { expr: string; kind: Placeholder['kind'] } {
  const s = inner.trim();
  if (s.startsWith('#>')) return { expr: s.slice(2).trim(), kind: 'partial' };
  if (s.startsWith('>')) return { expr: s.slice(1).trim(), kind: 'partial' };
  if (s.startsWith('&')) return { expr: s.slice(1).trim(), kind: 'variable' };
  if (/^[#^/*=]/.test(s) || /^else\b/.test(s)) return { expr: s, kind: 'block' };
  return { expr: s, kind: 'variable' };
}

function scanHandlebars(ctx: Ctx): void {
  const { text, out } = ctx;
  let lit = 0;
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    if (open === -1) break;
    // `\{{x}}` renders `{{x}}` literally: the backslash goes, the tag is text.
    if (open > 0 && text[open - 1] === '\\' && text[open - 2] !== '\\') {
      out.copy(text, lit, open - 1);
      lit = open;
      i = open + 2;
      continue;
    }
    out.copy(text, lit, open);
    let j = open + 2;
    const tildeBefore = text[j] === '~';
    if (tildeBefore) j++;
    if (text.startsWith('!--', j)) {
      const re = /--~?\}\}/g;
      re.lastIndex = j + 3;
      const m = re.exec(text);
      if (!m) throw ctx.fail(open, 'unterminated Handlebars comment: `{{!--` has no closing `--}}`');
      if (tildeBefore) out.trimEnd();
      i = m.index + m[0].length;
      if (m[0].includes('~')) i = skipWhitespace(text, i);
      lit = i;
      continue;
    }
    if (text[j] === '!') {
      const end = text.indexOf('}}', j);
      if (end === -1) throw ctx.fail(open, 'unterminated Handlebars comment: `{{!` has no closing `}}`');
      if (tildeBefore) out.trimEnd();
      i = end + 2;
      if (text[end - 1] === '~') i = skipWhitespace(text, i);
      lit = i;
      continue;
    }
    if (text.startsWith('{{{{', open)) {
      i = rawBlock(ctx, open);
      lit = i;
      continue;
    }
    const triple = text[open + 2] === '{';
    const close = triple ? '}}}' : '}}';
    const end = findClose(text, open + (triple ? 3 : 2), close);
    if (end === -1) throw ctx.fail(open, `unterminated Handlebars tag: \`${triple ? '{{{' : '{{'}\` has no closing \`${close}\``);
    let inner = text.slice(open + (triple ? 3 : 2), end);
    const tildeAfter = inner.endsWith('~');
    inner = inner.replace(/^~/, '').replace(/~$/, '');
    if (tildeBefore) out.trimEnd();
    const after = end + close.length;
    const { expr, kind } = triple ? { expr: inner.trim(), kind: 'variable' as const } : handlebarsTag(inner);
    if (!triple && expr.startsWith('=')) {
      ctx.notes.push(`a Mustache delimiter change (${text.slice(open, after)}) is not followed; later tags may be missed`);
    }
    tag(ctx, open, after, expr, kind);
    i = tildeAfter ? skipWhitespace(text, after) : after;
    lit = i;
  }
  out.copy(text, lit, text.length);
}

/** `{{{{raw}}}} … {{{{/raw}}}}`: the content renders literally; the raw tags are kept as block placeholders. */
function rawBlock(ctx: Ctx, open: number): number {
  const { text } = ctx;
  const end = text.indexOf('}}}}', open + 4);
  if (end === -1) throw ctx.fail(open, 'unterminated Handlebars raw block tag: `{{{{` has no closing `}}}}`');
  const name = text.slice(open + 4, end).trim();
  tag(ctx, open, end + 4, name, 'block');
  const closing = `{{{{/${name.split(/\s+/)[0] ?? ''}}}}}`;
  const closeAt = text.indexOf(closing, end + 4);
  if (closeAt === -1) throw ctx.fail(open, `unterminated Handlebars raw block: no ${closing}`);
  ctx.out.copy(text, end + 4, closeAt);
  tag(ctx, closeAt, closeAt + closing.length, `/${name}`, 'block');
  return closeAt + closing.length;
}

// ------------------------------------------------------------------------------------ Plain and markdown

const PY_FIELD = /\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*)\}/y;

function scanPlain(ctx: Ctx, markdown: boolean): void {
  const { text, out } = ctx;
  // Code blocks in markdown show code (`${x}` in a JS sample is the sample's, not the prompt's), and
  // JSON examples hold braces that are data; neither is searched for ${…} or {name} holes.
  const fences = markdown ? fencedCodeRanges(text) : [];
  const json = jsonLikeRanges(text);
  const within = (ranges: Array<[number, number]>, pos: number): boolean => ranges.some(([s, e]) => pos >= s && pos < e);
  let lit = 0;
  let i = 0;
  const take = (start: number, end: number, expr: string, kind: Placeholder['kind']): void => {
    out.copy(text, lit, start);
    tag(ctx, start, end, expr, kind);
    i = end;
    lit = end;
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '{' && text[i + 1] === '{') {
      const end = plainMustacheEnd(text, i);
      if (end !== -1) {
        const triple = text[i + 2] === '{';
        const inner = text.slice(i + (triple ? 3 : 2), end - (triple ? 3 : 2)).replace(/^~|~$/g, '');
        const { expr, kind } = triple ? { expr: inner.trim(), kind: 'variable' as const } : handlebarsTag(inner);
        take(i, end, expr, kind);
        continue;
      }
      i += 2;
      continue;
    }
    if (c === '$' && text[i + 1] === '{' && !within(fences, i)) {
      const end = jsExprEnd(text, i + 2);
      if (end !== -1) {
        take(i, end + 1, text.slice(i + 2, end).trim(), 'variable');
        continue;
      }
    } else if (c === '{' && text[i - 1] !== '$') {
      PY_FIELD.lastIndex = i;
      const m = PY_FIELD.exec(text);
      const end = m ? i + m[0].length : -1;
      if (m && text[end] !== '}' && !isTexArgument(text, i) && !within(json, i) && !within(fences, i)) {
        take(i, end, m[1] as string, 'variable');
        continue;
      }
    }
    i++;
  }
  out.copy(text, lit, text.length);
}

/** End (exclusive) of a `{{…}}` or `{{{…}}}` on one line, or -1 when it does not look like a tag. */
function plainMustacheEnd(text: string, start: number): number {
  const triple = text[start + 2] === '{';
  const close = triple ? '}}}' : '}}';
  const end = text.indexOf(close, start + close.length);
  if (end === -1 || end - start > MAX_PLAIN_MUSTACHE) return -1;
  const inner = text.slice(start + close.length, end);
  if (inner.trim() === '' || /[\r\n]/.test(inner) || inner.includes('{{')) return -1;
  return end + close.length;
}

/**
 * Index of the `}` closing a JavaScript `${` expression that starts at `from`, honouring nested braces,
 * strings and template literals (whose own `${…}` nest); -1 when unbalanced within MAX_PLAIN_EXPR.
 */
function jsExprEnd(text: string, from: number): number {
  const limit = Math.min(text.length, from + MAX_PLAIN_EXPR);
  // stack entries: '{' for a brace, '`' for a template literal
  const stack: string[] = ['{'];
  let i = from;
  while (i < limit) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (top === '`') {
      if (c === '\\') i++;
      else if (c === '`') stack.pop();
      else if (c === '$' && text[i + 1] === '{') {
        stack.push('{');
        i++;
      }
    } else if (c === '"' || c === "'") {
      const q = c;
      i++;
      while (i < limit && text[i] !== q && text[i] !== '\n') {
        if (text[i] === '\\') i++;
        i++;
      }
      if (text[i] !== q) return -1;
    } else if (c === '`') stack.push('`');
    else if (c === '{') stack.push('{');
    else if (c === '}') {
      stack.pop();
      if (stack.length === 0) return i > from ? i : -1;
    }
    i++;
  }
  return -1;
}

/**
 * Braces that are TeX or Markdown, not fields: arguments right after a TeX command (`\\frac{a}{b}`), a
 * superscript or a one-letter subscript (`x^{n}`, `a_{i}`), and a code fence's info string (```` ```{latex} ````,
 * R Markdown and Quarto's spelling of the language).
 */
function isTexArgument(text: string, brace: number): boolean {
  const before = text.slice(Math.max(0, brace - 200), brace);
  return /\\[A-Za-z]+(?:\{[^{}\n]*\})*$|\^$|(?:^|[^\w])[A-Za-z]_$|[})]_$|(?:^|\n)[ \t]{0,3}(?:`{3,}|~{3,})[ \t]*$/.test(before);
}

/** Ranges of JSON-looking objects (`{` then optional space then `"`) where `{name}` is data, not a field. */
function jsonLikeRanges(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const re = /\{\s*"/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const end = balancedEnd(text, m.index, 20000);
    if (end === -1) continue;
    out.push([m.index, end + 1]);
    re.lastIndex = end + 1;
  }
  return out;
}

/** Index of the brace closing the one at `start`, skipping double-quoted strings; -1 if not found. */
function balancedEnd(text: string, start: number, maxLen: number): number {
  let depth = 0;
  const limit = Math.min(text.length, start + maxLen);
  for (let i = start; i < limit; i++) {
    const c = text[i];
    if (c === '"') {
      i++;
      while (i < limit && text[i] !== '"') {
        if (text[i] === '\\') i++;
        i++;
      }
    } else if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Ranges of fenced code blocks (``` or ~~~) in markdown; an unclosed fence runs to the end. */
function fencedCodeRanges(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const re = /^ {0,3}(`{3,}|~{3,})[^\n]*$/gm;
  let open: { start: number; fence: string } | undefined;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const fence = m[1] as string;
    if (!open) open = { start: m.index, fence };
    else if (fence[0] === open.fence[0] && fence.length >= open.fence.length && m[0].trim() === fence) {
      out.push([open.start, m.index + m[0].length]);
      open = undefined;
    }
  }
  if (open) out.push([open.start, text.length]);
  return out;
}

// ------------------------------------------------------------------------------------------- f-string

function scanFString(ctx: Ctx): void {
  const { text, out } = ctx;
  let lit = 0;
  let i = 0;
  let unmatched = false;
  while (i < text.length) {
    const c = text[i];
    if (c !== '{' && c !== '}') {
      i++;
      continue;
    }
    if (text[i + 1] === c) {
      // `{{` and `}}` render as one brace.
      out.copy(text, lit, i);
      out.emit(c, i);
      i += 2;
      lit = i;
      continue;
    }
    const close = c === '{' ? fieldEnd(text, i) : -1;
    if (close === -1) {
      unmatched = true;
      i++;
      continue;
    }
    out.copy(text, lit, i);
    tag(ctx, i, close + 1, text.slice(i + 1, close).trim(), 'variable');
    i = close + 1;
    lit = i;
  }
  out.copy(text, lit, text.length);
  if (unmatched) ctx.notes.push('a single `{` or `}` is not a valid str.format field; Python would refuse this template');
}

/** The `}` closing a str.format field opened at `open`; a format spec may nest one field ({v:{width}}). */
function fieldEnd(text: string, open: number): number {
  const end = text.indexOf('}', open + 1);
  if (end === -1) return -1;
  const inner = text.slice(open + 1, end);
  if (/[\r\n]/.test(inner)) return -1;
  const nested = inner.indexOf('{');
  if (nested === -1) return end;
  if (!inner.slice(0, nested).includes(':') || inner.indexOf('{', nested + 1) !== -1) return -1;
  const outer = text.indexOf('}', end + 1);
  if (outer === -1 || /[{\r\n]/.test(text.slice(end + 1, outer))) return -1;
  return outer;
}
