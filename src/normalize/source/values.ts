// What an expression in application code evaluates to, as far as one file tells: strings with holes
// where run-time values are interpolated, lists, mappings, calls, and opaque values.
import type { Placeholder } from '../../model.js';
import type { SyntaxNode } from './parser.js';

/** A run-time value interpolated into a prompt. */
export interface Hole {
  /** the text standing for the hole in the segment: the interpolation as written (`{datetime.now()}`, `${user.name}`) */
  tag: string;
  /** source offset of the tag */
  at: number;
  /**
   * the expression the value comes from, followed through assignments in the file (`today` assigned
   * `date.today()` reads `today = date.today()`): what the rules match volatile names against
   */
  expr: string;
  /**
   * variable: a value computed at run time; include: a constant from another module (an imported or
   * upper-case name), fixed at deploy time like a template include
   */
  kind: 'variable' | 'include';
}

/** A piece of a string: literal text at a source offset, or a hole. */
export type Part = { lit: string; at: number } | { hole: Hole };

export type Val =
  | { t: 'str'; parts: Part[]; node: SyntaxNode }
  | { t: 'list'; items: Val[]; node: SyntaxNode; assembled: boolean }
  | { t: 'dict'; entries: Array<[string, Val]>; node: SyntaxNode }
  /** `via`: the name it was reached by (`session_id` for `session_id = make_id()`) */
  | { t: 'call'; call: CallInfo; node: SyntaxNode; via?: string }
  | { t: 'hole'; hole: Hole; node: SyntaxNode }
  /** a number, boolean, null or other code with no string in it (schemas built by code, lambdas) */
  | { t: 'code'; node: SyntaxNode };

/** A call expression: its callee path and lazily evaluated arguments. */
export interface CallInfo {
  /** the callee as a dotted path with arguments dropped: `client.messages.create`, `new SystemMessage` → `SystemMessage` */
  callee: string;
  node: SyntaxNode;
  /** positional argument i, evaluated */
  arg(i: number): Val | undefined;
  /** number of positional arguments */
  argCount: number;
  /**
   * a named argument: a Python keyword argument, or a property of an object literal passed as an
   * argument (TypeScript and JavaScript SDKs take one options object). Both spellings are tried:
   * `system_instruction` finds `systemInstruction` too.
   */
  kw(name: string): Val | undefined;
}

/** The string parts of a value: a string's own, or one hole standing for anything else. */
export function partsOf(v: Val, holeFor: (v: Val) => Hole): Part[] {
  return v.t === 'str' ? v.parts : v.t === 'hole' ? [{ hole: v.hole }] : [{ hole: holeFor(v) }];
}

/** A segment's text built from parts: literal text mapped to the source, holes as placeholders. */
export interface BuiltText {
  text: string;
  anchors: Array<[number, number]>;
  placeholders: Placeholder[];
}

export function buildText(parts: readonly Part[]): BuiltText {
  let text = '';
  const anchors: Array<[number, number]> = [];
  const placeholders: Placeholder[] = [];
  for (const p of parts) {
    if ('lit' in p) {
      if (p.lit === '') continue;
      anchors.push([text.length, p.at]);
      text += p.lit;
    } else {
      const start = text.length;
      anchors.push([start, p.hole.at]);
      text += p.hole.tag;
      placeholders.push({ start, end: text.length, expr: p.hole.expr, kind: p.hole.kind });
    }
  }
  if (anchors.length === 0) anchors.push([0, parts.length ? firstAt(parts) : 0]);
  return { text, anchors, placeholders };
}

function firstAt(parts: readonly Part[]): number {
  const p = parts[0] as Part;
  return 'lit' in p ? p.at : p.hole.at;
}

/** True when a value holds no hole: it renders the same on every request. */
export function isConstant(v: Val): boolean {
  switch (v.t) {
    case 'str':
      return v.parts.every((p) => 'lit' in p || p.hole.kind === 'include');
    case 'list':
      return v.items.every(isConstant);
    case 'dict':
      return v.entries.every(([, x]) => isConstant(x));
    case 'hole':
      return v.hole.kind === 'include';
    default:
      return true;
  }
}

/**
 * JSON text for a value in source key order (a tool definition, a content block), mapped back to the
 * source string by string; holes stay as placeholders; code (a schema built by a library call) is
 * written as a JSON string of its source text.
 */
export function serializeVal(v: Val): BuiltText {
  const out: BuiltText = { text: '', anchors: [], placeholders: [] };
  const emit = (s: string, at: number): void => {
    if (s === '') return;
    out.anchors.push([out.text.length, at]);
    out.text += s;
  };
  const walk = (x: Val): void => {
    const at = x.node.startIndex;
    switch (x.t) {
      case 'str':
        emit('"', at);
        for (const p of x.parts) {
          if ('lit' in p) emit(JSON.stringify(p.lit).slice(1, -1), p.at);
          else hole(p.hole);
        }
        emit('"', x.node.endIndex - 1);
        return;
      case 'list':
        emit('[', at);
        x.items.forEach((item, i) => {
          if (i > 0) emit(',', item.node.startIndex);
          walk(item);
        });
        emit(']', x.node.endIndex - 1);
        return;
      case 'dict':
        emit('{', at);
        x.entries.forEach(([k, item], i) => {
          emit(`${i > 0 ? ',' : ''}${JSON.stringify(k)}:`, item.node.startIndex);
          walk(item);
        });
        emit('}', x.node.endIndex - 1);
        return;
      case 'hole':
        hole(x.hole);
        return;
      default:
        emit(JSON.stringify(x.node.text), at);
    }
  };
  const hole = (h: Hole): void => {
    const start = out.text.length;
    out.anchors.push([start, h.at]);
    out.text += h.tag;
    out.placeholders.push({ start, end: out.text.length, expr: h.expr, kind: h.kind });
  };
  walk(v);
  if (out.anchors.length === 0) out.anchors.push([0, v.node.startIndex]);
  return out;
}

/** The plain value behind a Val, for structural checks on tools (names); holes become their tag text. */
export function plainValue(v: Val): unknown {
  switch (v.t) {
    case 'str':
      return v.parts.map((p) => ('lit' in p ? p.lit : p.hole.tag)).join('');
    case 'list':
      return v.items.map(plainValue);
    case 'dict':
      return Object.fromEntries(v.entries.map(([k, x]) => [k, plainValue(x)]));
    case 'hole':
      return v.hole.tag;
    default:
      return v.node.text;
  }
}

/** The literal string a value holds when it holds nothing else (a role, a model name, a dict key). */
export function literalOf(v: Val | undefined): string | undefined {
  if (!v || v.t !== 'str') return undefined;
  let s = '';
  for (const p of v.parts) {
    if (!('lit' in p)) return undefined;
    s += p.lit;
  }
  return s;
}
