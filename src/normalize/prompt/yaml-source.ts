// YAML and JSON parsed with node positions (JSON is parsed as YAML, its superset), so every string can
// be mapped back to file offsets, and values can be built without prototype pollution or alias bombs.
import type { Document, Node as YNode } from 'yaml';
import { aliasExpansion, aliasProblem, yaml } from '../../yaml.js';
import type { SourceFile } from '../../model.js';
import { malformed } from './fail.js';
import { mapOffset, pushAnchor } from './mapped.js';
import type { MappedText } from './types.js';

/** Alias hops followed at one place: an alias names a node, never another alias, so one hop is the norm. */
const MAX_ALIAS_HOPS = 16;

/** Keys that must never be assigned with `=` on a plain object (they reach the prototype). */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A parsed YAML/JSON document tied to its place in a source file. */
export interface YamlSource {
  file: SourceFile;
  doc: Document.Parsed;
  /** the parsed text (a slice of file.text) and where it starts in the file */
  text: string;
  base: number;
  aliases: number;
  /** each alias's anchored node, found once when the document was parsed */
  targets: Map<unknown, YNode>;
  /** with `lenient`, the syntax errors that were recovered from (as "line N: message") */
  recovered: string[];
}

/**
 * Parses `file.text[start, end)` as one YAML (or JSON) document. Syntax errors throw KVE306 with the
 * line; `what` names the part in the message (e.g. "front matter"). With `lenient`, a document whose
 * top is still a mapping is kept and its errors are listed in `recovered` (front matter in the wild is
 * not always valid YAML: Dotprompt samples use Picoschema shorthand such as `{ name: string }[]`).
 */
export function parseYaml(file: SourceFile, start = 0, end = file.text.length, what = 'YAML', lenient = false): YamlSource {
  const text = file.text.slice(start, end);
  const doc = yaml().parseDocument(text, { uniqueKeys: false, prettyErrors: false, strict: false });
  // The walkers below follow aliases: a document whose aliases would add too many nodes is refused here,
  // measured without expanding it, so the walk is bounded by what the limits allow.
  const expansion = aliasExpansion(doc);
  const src: YamlSource = { file, doc, text, base: start, aliases: 0, targets: expansion.targets, recovered: [] };
  const bomb = aliasProblem(doc, undefined, expansion);
  if (bomb) throw malformed(file, start + bomb.offset, bomb.message);
  const err = doc.errors[0];
  if (err) {
    const msg = err.message.split('\n')[0] ?? err.message;
    const at = start + (err.pos[0] ?? 0);
    if (!lenient || !yaml().isMap(doc.contents)) throw malformed(file, at, `invalid ${what}: ${msg}`);
    src.recovered = doc.errors.map((e) => {
      const line = file.lineStarts.findIndex((ls) => ls > start + (e.pos[0] ?? 0));
      return `line ${line === -1 ? file.lineStarts.length : line}: ${e.message.split('\n')[0] ?? e.message}`;
    });
  }
  return src;
}

/** Follows an alias to its target (parseYaml has bounded what the aliases expand to); counts the hops. */
export function deref(src: YamlSource, node: unknown): YNode | undefined {
  let n = node;
  let hops = 0;
  while (yaml().isAlias(n)) {
    src.aliases++;
    if (++hops > MAX_ALIAS_HOPS) throw malformed(src.file, nodeStart(src, n), 'a YAML alias chain that does not end; refusing a possible alias bomb');
    n = src.targets.get(n) ?? n.resolve(src.doc);
  }
  return (n ?? undefined) as YNode | undefined;
}

/** File offset where a node starts (its first character), or the document start. */
export function nodeStart(src: YamlSource, node: unknown): number {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return src.base + (range ? range[0] : 0);
}

/** The root node of the document. */
export function root(src: YamlSource): YNode | undefined {
  return deref(src, src.doc.contents);
}

/** Key/value pairs of a mapping in source order (keys stringified as JavaScript would). */
export function entries(src: YamlSource, node: unknown): Array<{ key: string; keyNode: YNode | undefined; value: YNode | undefined }> {
  const n = deref(src, node);
  if (!yaml().isMap(n)) return [];
  return n.items.map((p) => {
    const keyNode = deref(src, p.key);
    const key = yaml().isScalar(keyNode) ? String(keyNode.value) : String(valueOf(src, keyNode));
    return { key, keyNode, value: deref(src, p.value) };
  });
}

/** The value node under `key` in a mapping (the last one, as JavaScript objects keep), if any. */
export function get(src: YamlSource, node: unknown, key: string): YNode | undefined {
  let found: YNode | undefined;
  let seen = false;
  for (const e of entries(src, node)) {
    if (e.key === key) {
      found = e.value;
      seen = true;
    }
  }
  return seen ? found : undefined;
}

/** True when a mapping has `key`. */
export function has(src: YamlSource, node: unknown, key: string): boolean {
  return entries(src, node).some((e) => e.key === key);
}

/** Items of a sequence (aliases followed), or [] for anything else. */
export function items(src: YamlSource, node: unknown): Array<YNode | undefined> {
  const n = deref(src, node);
  return yaml().isSeq(n) ? n.items.map((it) => deref(src, it)) : [];
}

export function isMapping(src: YamlSource, node: unknown): boolean {
  return yaml().isMap(deref(src, node));
}

export function isSequence(src: YamlSource, node: unknown): boolean {
  return yaml().isSeq(deref(src, node));
}

/** A string scalar's value, or undefined for anything else. */
export function str(src: YamlSource, node: unknown): string | undefined {
  const n = deref(src, node);
  return yaml().isScalar(n) && typeof n.value === 'string' ? n.value : undefined;
}

/**
 * A string scalar as text mapped to the file: one anchor per source line of a block or folded scalar
 * and one after each escape of a quoted scalar, so any offset lands on the right line and column.
 */
export function mappedString(src: YamlSource, node: unknown): MappedText | undefined {
  const n = deref(src, node);
  if (!yaml().isScalar(n) || typeof n.value !== 'string') return undefined;
  const value = n.value;
  const range = n.range;
  if (!range) return { text: value, anchors: [[0, src.base]] };
  const [start, valueEnd] = range;
  let anchors: Array<[number, number]> | undefined;
  if (n.type === yaml().Scalar.QUOTE_DOUBLE || n.type === yaml().Scalar.QUOTE_SINGLE || n.type === yaml().Scalar.PLAIN) {
    const style = n.type === yaml().Scalar.QUOTE_DOUBLE ? 'double' : n.type === yaml().Scalar.QUOTE_SINGLE ? 'single' : 'plain';
    const exact = flowScalar(src.text, start, valueEnd, style);
    if (exact && exact.value === value) anchors = exact.anchors;
    else anchors = lineAnchors(src.text, style === 'plain' ? start : start + 1, valueEnd, value);
  } else {
    // Block scalar: content starts on the line after the `|` / `>` header.
    const nl = src.text.indexOf('\n', start);
    anchors = nl === -1 || nl >= valueEnd ? [[0, start]] : lineAnchors(src.text, nl + 1, valueEnd, value, true);
  }
  return { text: value, anchors: anchors.map(([t, s]) => [t, s + src.base] as [number, number]) };
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029',
};

/**
 * Decodes a flow scalar (plain, single- or double-quoted) from the text, recording anchors. Returns
 * undefined on anything unexpected; the caller then checks the result against the parser's value.
 */
function flowScalar(
  text: string,
  start: number,
  end: number,
  style: 'plain' | 'single' | 'double',
): { value: string; anchors: Array<[number, number]> } | undefined {
  let out = '';
  const anchors: Array<[number, number]> = [];
  let i = style === 'plain' ? start : start + 1;
  const stop = style === 'plain' ? end : text.length;
  let kept = 0; // output below this length is never trimmed (escaped or folded characters)
  pushAnchor(anchors, 0, i);
  while (i < stop) {
    const c = text[i] as string;
    if (style === 'double' && c === '"') break;
    if (style === 'single' && c === "'") {
      if (text[i + 1] !== "'") break;
      out += "'";
      i += 2;
      kept = out.length;
      pushAnchor(anchors, out.length, i);
      continue;
    }
    if (style === 'double' && c === '\\') {
      const e = text[i + 1] ?? '';
      if (e === '\n' || e === '\r') {
        i += e === '\r' && text[i + 2] === '\n' ? 3 : 2;
        while (text[i] === ' ' || text[i] === '\t') i++;
        kept = out.length;
        pushAnchor(anchors, out.length, i);
        continue;
      }
      let decoded: string | undefined = SIMPLE_ESCAPES[e];
      let len = 2;
      const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      if (hexLen > 0) {
        const hex = text.slice(i + 2, i + 2 + hexLen);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== hexLen) return undefined;
        const cp = parseInt(hex, 16);
        decoded = hexLen === 4 ? String.fromCharCode(cp) : cp > 0x10ffff ? undefined : String.fromCodePoint(cp);
        len = 2 + hexLen;
      }
      if (decoded === undefined) return undefined;
      out += decoded;
      i += len;
      kept = out.length;
      pushAnchor(anchors, out.length, i);
      continue;
    }
    if (c === '\n' || c === '\r') {
      // Line folding: trailing blanks go, one break becomes a space, n breaks become n-1 newlines.
      let trimmed = out.length;
      while (trimmed > kept && (out[trimmed - 1] === ' ' || out[trimmed - 1] === '\t')) trimmed--;
      out = out.slice(0, trimmed);
      let breaks = 0;
      while (i < stop && (text[i] === '\n' || text[i] === '\r')) {
        i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
        breaks++;
        while (i < stop && (text[i] === ' ' || text[i] === '\t')) i++;
      }
      out += breaks === 1 ? ' ' : '\n'.repeat(breaks - 1);
      kept = out.length;
      pushAnchor(anchors, out.length, i);
      continue;
    }
    out += c;
    i++;
  }
  if (style === 'plain') out = out.replace(/[ \t]+$/, '');
  return { value: out, anchors };
}

/**
 * Anchors found by locating each source line's content in the value, in order. Exact for block
 * scalars (their lines are copied verbatim after the indentation) and a close fallback elsewhere.
 */
function lineAnchors(text: string, from: number, end: number, value: string, block = false): Array<[number, number]> {
  const lines: Array<[number, number]> = [];
  let p = from;
  while (p < end) {
    let nl = text.indexOf('\n', p);
    if (nl === -1 || nl > end) nl = end;
    lines.push([p, nl]);
    p = nl + 1;
  }
  const leading = (s: number, e: number): number => {
    let k = s;
    while (k < e && text[k] === ' ') k++;
    return k - s;
  };
  let indent = Infinity;
  if (block) {
    for (const [s, e] of lines) {
      if (text.slice(s, e).trim() !== '') indent = Math.min(indent, leading(s, e));
    }
  }
  const anchors: Array<[number, number]> = [];
  let cursor = 0;
  for (const [s, e] of lines) {
    const lineEnd = text[e - 1] === '\r' ? e - 1 : e;
    const cut = block && indent !== Infinity ? Math.min(indent, leading(s, lineEnd)) : leading(s, lineEnd);
    let content = text.slice(s + cut, lineEnd);
    if (!block) content = content.replace(/[ \t]+$/, '');
    if (content.trim() === '') continue;
    const idx = value.indexOf(content, cursor);
    if (idx === -1) continue;
    pushAnchor(anchors, idx, s + cut);
    cursor = idx + content.length;
  }
  if (anchors.length === 0) anchors.push([0, from]);
  return anchors;
}

/** Defines a property without ever invoking a setter such as `__proto__`. */
function setSafe(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (UNSAFE_KEYS.has(key)) {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

/**
 * The JavaScript value of a node, as JSON.parse would build it: plain objects and arrays, keys in
 * source order, `__proto__`/`constructor`/`prototype` as own properties that never touch a prototype.
 */
export function valueOf(src: YamlSource, node: unknown): unknown {
  const n = deref(src, node);
  if (n === undefined || n === null) return null;
  if (yaml().isScalar(n)) {
    const v = n.value;
    return v === undefined ? null : v;
  }
  if (yaml().isSeq(n)) return n.items.map((it) => valueOf(src, it));
  if (yaml().isMap(n)) {
    const obj: Record<string, unknown> = {};
    for (const e of entries(src, n)) setSafe(obj, e.key, valueOf(src, e.value));
    return obj;
  }
  return null;
}

/** Array-index-like keys come first in a JavaScript object (ascending); mirror that in serialization. */
function isIndexKey(k: string): boolean {
  return /^(?:0|[1-9]\d*)$/.test(k) && Number(k) < 4294967295;
}

/**
 * JSON text of a node, byte-identical to `JSON.stringify(valueOf(node))` with `omit` keys dropped from
 * the top-level mapping, mapped to the file: each string (key or value) carries anchors to its source.
 */
export function serializeJson(src: YamlSource, node: unknown, omit: ReadonlySet<string> = new Set()): MappedText {
  const out: MappedText = { text: '', anchors: [] };
  const parts: string[] = [];
  let len = 0;
  const write = (s: string): void => {
    parts.push(s);
    len += s.length;
  };
  const writeString = (s: string, mapped: MappedText | undefined): void => {
    const esc = JSON.stringify(s);
    if (!mapped) {
      write(esc);
      return;
    }
    // Walk the decoded string and its escaped form together; add an anchor wherever the two stop
    // advancing in step (after an escape) or the source itself jumps (a new line of a block scalar).
    const base = len + 1; // after the opening quote
    const inner = mapped.anchors;
    let k = 0; // index into inner anchors
    let j = 1; // index into esc
    let prevLen = 1;
    for (let d = 0; d < s.length; d++) {
      while (k < inner.length && (inner[k] as [number, number])[0] < d) k++;
      const atAnchor = k < inner.length && (inner[k] as [number, number])[0] === d;
      if (d === 0 || atAnchor || prevLen !== 1) pushAnchor(out.anchors, base + (j - 1), mapOffset(inner, d));
      prevLen = escLen(esc, j, s[d] as string);
      j += prevLen;
    }
    if (s.length === 0) pushAnchor(out.anchors, base, mapOffset(inner, 0));
    write(esc);
  };
  const ser = (n0: unknown, top: boolean): void => {
    const n = deref(src, n0);
    if (n === undefined || n === null) return write('null');
    if (yaml().isScalar(n)) {
      const v = n.value;
      if (typeof v === 'string') return writeString(v, mappedString(src, n));
      const j = JSON.stringify(v === undefined ? null : v);
      return write(j === undefined ? 'null' : j);
    }
    if (yaml().isSeq(n)) {
      write('[');
      n.items.forEach((it, i) => {
        if (i > 0) write(',');
        ser(it, false);
      });
      return write(']');
    }
    if (yaml().isMap(n)) {
      // Same key semantics as an object: the last duplicate wins, at the first one's position.
      const byKey = new Map<string, { keyNode: YNode | undefined; value: YNode | undefined }>();
      for (const e of entries(src, n)) {
        if (top && omit.has(e.key)) continue;
        const prev = byKey.get(e.key);
        byKey.set(e.key, { keyNode: prev?.keyNode ?? e.keyNode, value: e.value });
      }
      const keys = [...byKey.keys()];
      const ordered = [...keys.filter(isIndexKey).sort((a, b) => Number(a) - Number(b)), ...keys.filter((k) => !isIndexKey(k))];
      write('{');
      ordered.forEach((k, i) => {
        const e = byKey.get(k) as { keyNode: YNode | undefined; value: YNode | undefined };
        if (i > 0) write(',');
        writeString(k, yaml().isScalar(e.keyNode) && typeof e.keyNode.value === 'string' ? mappedString(src, e.keyNode) : undefined);
        write(':');
        ser(e.value, false);
      });
      return write('}');
    }
    return write('null');
  };
  pushAnchor(out.anchors, 0, nodeStart(src, deref(src, node)));
  ser(node, true);
  out.text = parts.join('');
  return out;
}

/** Length in `esc` (a JSON string literal) of the escape for char `ch` found at index j. */
function escLen(esc: string, j: number, ch: string): number {
  if (esc[j] === ch && ch !== '\\' && ch !== '"') return 1;
  return esc[j + 1] === 'u' ? 6 : 2;
}
