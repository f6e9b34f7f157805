// Evaluating expressions of one file as far as the file tells: what both languages share. The
// language modules turn syntax nodes into values; this base follows names through their bindings,
// turns opaque values into holes, and knows str.format / join / concatenation on parts.
import type { SyntaxNode } from './parser.js';
import type { Binding, ScopeIndex } from './scope.js';
import { isConstant, plainValue, type CallInfo, type Hole, type Part, type Val } from './values.js';

/** A call that reads a file, as the whole expression: `(DIR / "x.md").read_text()`, `fs.readFileSync(p, 'utf8')`. */
const FILE_READ = /(?:\.read_text\(\s*(?:encoding\s*=\s*)?(?:["'][\w-]+["'])?\s*\)|\bopen\([^()]*\)\.read\(\)|\breadFileSync\([^()]*\)(?:\.toString\(\))?|\bawait\s+(?:fs\.)?readFile\([^()]*\))$/;

/** How deep evaluation follows names, calls and nesting before it gives a hole. */
const MAX_DEPTH = 40;
/** Longest origin text kept in a hole's expression. */
const MAX_ORIGIN = 240;
/** Identifiers looked up to explain an opaque expression. */
const MAX_ORIGIN_NAMES = 12;

export abstract class Evaluator {
  private depth = 0;
  /** binding value nodes being evaluated (a name defined from itself) */
  private readonly active = new Set<number>();
  private readonly memo = new Map<number, Val>();

  constructor(readonly index: ScopeIndex) {}

  /** Language part: one node to a value (children through `eval`). */
  protected abstract evalNode(node: SyntaxNode): Val;
  /** Language part: the call a node is, if it is one. */
  abstract callInfo(node: SyntaxNode): CallInfo | undefined;
  /** Language part: identifiers inside a node (for origins), and whether a name is a module constant. */
  protected abstract identifiersIn(node: SyntaxNode): SyntaxNode[];

  eval(node: SyntaxNode): Val {
    const hit = this.memo.get(node.id);
    if (hit) return hit;
    if (this.depth >= MAX_DEPTH) return this.opaque(node);
    this.depth++;
    try {
      const v = this.evalNode(node);
      this.memo.set(node.id, v);
      return v;
    } finally {
      this.depth--;
    }
  }

  /** A hole for an expression whose value is not known from the file. */
  opaque(node: SyntaxNode, kind?: Hole['kind']): Val {
    return { t: 'hole', hole: { tag: node.text, at: node.startIndex, expr: this.exprWithOrigins(node), kind: kind ?? this.kindOf(node) }, node };
  }

  /**
   * The expression text of a node followed by where the names in it come from in this file
   * (`"\n".join(names) ← names = set(tools)`), so rules that read volatile words see the origin.
   */
  exprWithOrigins(node: SyntaxNode): string {
    const seen = new Set<string>();
    const origins: string[] = [];
    for (const id of this.identifiersIn(node)) {
      if (seen.size >= MAX_ORIGIN_NAMES) break;
      const name = id.text;
      if (seen.has(name)) continue;
      seen.add(name);
      const found = this.index.lookup(name, id);
      if (!found || found === 'param') continue;
      const first = found[0] as Binding;
      if (first.value.id === node.id) continue;
      origins.push(`${name} = ${clip(first.value.text)}`);
    }
    const text = clip(node.text);
    return origins.length ? `${text} ← ${origins.join(' ← ')}` : text;
  }

  /**
   * `include` for a name imported from another module or written in upper case (a constant), and for a
   * file read (`path.read_text()`, `readFileSync(…)`: a prompt kept in a file is fixed at deploy time, as a
   * template include is); else `variable`.
   */
  protected kindOf(node: SyntaxNode): Hole['kind'] {
    if (FILE_READ.test(node.text.trim())) return 'include';
    const root = node.text.split(/[.[(]/)[0]?.trim() ?? '';
    if (!/^[A-Za-z_$][\w$]*$/.test(root)) return 'variable';
    if (node.text.includes('(')) return 'variable';
    if (this.index.imported.has(root) || /^[A-Z][A-Z0-9_]*$/.test(root)) return 'include';
    return 'variable';
  }

  /** The value of a name at `node`. */
  resolveName(name: string, node: SyntaxNode, member = false): Val {
    const found = member ? this.index.lookupMember(name, node) : this.index.lookup(name, node);
    if (!found || found === 'param') return this.opaque(node);
    return this.combine(found, node);
  }

  /** A name's value from its `=` binding and the `+=` / `append` / `extend` after it. */
  private combine(bindings: Binding[], site: SyntaxNode): Val {
    let v: Val | undefined;
    for (const b of bindings) {
      if (this.active.has(b.value.id)) return this.opaque(site);
      this.active.add(b.value.id);
      try {
        const x = this.eval(b.value);
        if (b.op === '=' || v === undefined) v = x;
        else if (b.op === '+=') v = this.concat(v, x, site);
        else if (v.t === 'list') {
          const items = b.op === 'append' ? [x] : x.t === 'list' ? x.items : [x];
          v = { t: 'list', items: [...v.items, ...items], node: v.node, assembled: true };
        }
      } finally {
        this.active.delete(b.value.id);
      }
    }
    if (!v) return this.opaque(site);
    // A call keeps its structure (a message object, a config) and notes the name it was reached by.
    if (v.t === 'call') return { ...v, via: site.text };
    // A hole reached through a name says which name: `today = datetime.now()`.
    if (v.t === 'hole' || v.t === 'code') {
      const inner = v.t === 'hole' ? v.hole : this.holeFor(v);
      const first = bindings[0] as Binding;
      const expr = inner.expr.startsWith(`${site.text} =`) ? inner.expr : `${site.text} = ${inner.expr}`;
      return { t: 'hole', hole: { tag: site.text, at: site.startIndex, expr, kind: inner.kind === 'include' ? 'include' : this.kindOf(first.value) }, node: site };
    }
    return v;
  }

  /** A hole standing for a value that is not a string. */
  holeFor(v: Val): Hole {
    if (v.t === 'hole') return v.hole;
    const expr = this.exprWithOrigins(v.node);
    // `session_id = make_id()`: the name says what the value is as much as the call does
    const via = v.t === 'call' && v.via && !expr.startsWith(`${v.via} =`) ? `${v.via} = ` : '';
    return { tag: v.node.text, at: v.node.startIndex, expr: via + expr, kind: this.kindOf(v.node) };
  }

  /** String parts of a value used where text is expected; a non-string becomes one hole tagged at `site`. */
  partsAt(v: Val, site: SyntaxNode, tag?: string): Part[] {
    if (v.t === 'str') return v.parts;
    const h = this.holeFor(v);
    return [{ hole: { ...h, tag: tag ?? site.text, at: site.startIndex } }];
  }

  /**
   * `json.dumps(x)` / `JSON.stringify(x)` of a value the file writes out in full: constant text (a schema
   * or an example rendered into the prompt). `python` spacing is json.dumps' default (`", "`, `": "`).
   */
  jsonText(v: Val | undefined, node: SyntaxNode, python: boolean): Val {
    if (!v || !isConstant(v) || (v.t !== 'dict' && v.t !== 'list' && v.t !== 'str')) return this.opaque(node);
    const plain = plainValue(v);
    const text = python ? pyJson(plain) : JSON.stringify(plain);
    return { t: 'str', parts: [{ lit: text, at: node.startIndex }], node };
  }

  /** `a + b`: strings concatenate; lists join; anything else is a hole. */
  concat(a: Val, b: Val, node: SyntaxNode): Val {
    if (a.t === 'list' && b.t === 'list') return { t: 'list', items: [...a.items, ...b.items], node, assembled: true };
    if (a.t === 'list' || b.t === 'list') return this.opaque(node);
    return { t: 'str', parts: [...this.partsAt(a, a.node), ...this.partsAt(b, b.node)], node };
  }

  /** `sep.join(items)`: known items joined with the separator; otherwise one hole explaining the items. */
  join(sep: Val, items: Val | undefined, node: SyntaxNode): Val {
    if (!items || items.t !== 'list' || sep.t !== 'str') {
      const v = this.opaque(node);
      // what the items are decides what the joined text does (a set joins in hash order)
      if (items && items.t !== 'list' && v.t === 'hole') {
        const inner = this.holeFor(items).expr;
        if (!v.hole.expr.includes(inner)) v.hole.expr = `${v.hole.expr} ← ${inner}`;
      }
      return v;
    }
    const parts: Part[] = [];
    items.items.forEach((item, i) => {
      if (i > 0) parts.push(...sep.parts);
      parts.push(...this.partsAt(item, item.node));
    });
    return { t: 'str', parts, node };
  }

  /**
   * A list or tuple literal (`[a, *rest]`, `[a, ...rest]`): its items, with a spread of a known list
   * spliced in; `splat` is the grammar's node type for the spread.
   */
  protected sequence(node: SyntaxNode, splat: string): Val {
    const items: Val[] = [];
    let assembled = false;
    for (const c of node.namedChildren) {
      if (!c || c.type === 'comment') continue;
      if (c.type === splat) {
        assembled = true;
        const inner = c.namedChild(0);
        const v = inner ? this.eval(inner) : this.opaque(c);
        if (v.t === 'list') items.push(...v.items);
        else items.push(this.opaque(c));
      } else items.push(this.eval(c));
    }
    return { t: 'list', items, node, assembled };
  }

  /**
   * A string template with each match of `re` in its literal text replaced by the parts `fill` gives
   * (`at`: where the match starts); text between matches, and holes already in it, stay as they are.
   */
  protected substitute(template: Val, node: SyntaxNode, re: RegExp, fill: (m: RegExpExecArray, at: number) => Part[]): Val {
    if (template.t !== 'str') return this.opaque(node);
    const parts: Part[] = [];
    for (const p of template.parts) {
      if (!('lit' in p)) {
        parts.push(p);
        continue;
      }
      re.lastIndex = 0;
      let last = 0;
      for (let m = re.exec(p.lit); m; m = re.exec(p.lit)) {
        if (m.index > last) parts.push({ lit: p.lit.slice(last, m.index), at: p.at + last });
        last = m.index + m[0].length;
        parts.push(...fill(m, p.at + m.index));
      }
      if (last < p.lit.length) parts.push({ lit: p.lit.slice(last), at: p.at + last });
    }
    return { t: 'str', parts, node };
  }

  /**
   * `template.format(...)` (Python) : `{name}`, `{0}`, `{}` fields filled from the call's arguments;
   * `{{` and `}}` are braces. Fields with no argument stay holes.
   */
  format(template: Val, call: CallInfo, node: SyntaxNode): Val {
    let auto = 0;
    return this.substitute(template, node, /\{\{|\}\}|\{([^{}]*)\}/g, (m, at) => {
      if (m[0] === '{{' || m[0] === '}}') return [{ lit: m[0][0] as string, at }];
      const field = (m[1] ?? '').split(/[!:]/)[0]?.trim() ?? '';
      const base = field.split(/[.[]/)[0] ?? '';
      const arg = base === '' ? call.arg(auto++) : /^\d+$/.test(base) ? call.arg(Number(base)) : call.kw(base);
      if (arg && base === field) return arg.t === 'str' ? arg.parts : [{ hole: { ...this.holeFor(arg), tag: m[0], at } }];
      const expr = arg ? `${field} ← ${this.holeFor(arg).expr}` : field || m[0];
      return [{ hole: { tag: m[0], at, expr, kind: 'variable' } }];
    });
  }
}

function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > MAX_ORIGIN ? `${one.slice(0, MAX_ORIGIN)}…` : one;
}

/** Decodes a backslash escape as written in a string literal; undefined when it is not a simple one. */
export function decodeEscape(esc: string): string | undefined {
  const c = esc[1];
  switch (c) {
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case 'r':
      return '\r';
    case '0':
      return esc.length === 2 ? '\0' : undefined;
    case '\\':
    case '"':
    case "'":
    case '`':
    case '$':
    case '{':
    case '}':
      return c;
    case '\n':
      return '';
    case 'x':
    case 'u':
    case 'U': {
      const hex = esc.slice(2).replace(/[{}]/g, '');
      const code = Number.parseInt(hex, 16);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
    }
    default:
      return undefined;
  }
}

/** json.dumps with its default separators. */
function pyJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(pyJson).join(', ')}]`;
  if (v && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${pyJson(x)}`).join(', ')}}`;
  return JSON.stringify(v) ?? 'null';
}
