// Python: scopes, bindings and expression values from a tree-sitter-python tree.
import type { SyntaxNode } from './parser.js';
import { Evaluator, decodeEscape } from './evaluate.js';
import { enclosing, ScopeIndex, type Binding, type ScopeSpec } from './scope.js';
import type { CallInfo, Part, Val } from './values.js';

const CLASS_TYPES = new Set(['class_definition']);
const FUNCTION_TYPES = new Set(['function_definition', 'lambda']);

function stripSelf(n: SyntaxNode): string | undefined {
  if (n.type === 'identifier') return n.text;
  if (n.type === 'attribute' && n.childForFieldName('object')?.text === 'self') {
    const attr = n.childForFieldName('attribute')?.text;
    return attr ? `self.${attr}` : undefined;
  }
  return undefined;
}

const PY_SPEC: ScopeSpec = {
  scopes: new Set(['function_definition', 'lambda', 'class_definition']),
  interesting: new Set(['assignment', 'augmented_assignment', 'import_statement', 'import_from_statement', 'return_statement']),
  classTypes: CLASS_TYPES,
  bindings(n, scope) {
    if (n.type === 'assignment' || n.type === 'augmented_assignment') {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (!left || !right) return undefined;
      const name = stripSelf(left);
      if (!name) return undefined;
      const op = n.type === 'assignment' ? '=' : n.childForFieldName('operator')?.text === '+=' ? '+=' : undefined;
      if (!op) return undefined;
      const owner = name.startsWith('self.') ? enclosing(n, CLASS_TYPES) : scope;
      if (!owner) return undefined;
      return [{ name, scope: owner, pos: n.endIndex, op, value: right }];
    }
    if (n.type === 'call') {
      // names.append(x), names.extend(xs)
      const fn = n.childForFieldName('function');
      if (fn?.type !== 'attribute') return undefined;
      const method = fn.childForFieldName('attribute')?.text;
      if (method !== 'append' && method !== 'extend') return undefined;
      const obj = fn.childForFieldName('object');
      const name = obj ? stripSelf(obj) : undefined;
      const arg = n.childForFieldName('arguments')?.namedChild(0);
      if (!name || !arg || arg.type === 'keyword_argument') return undefined;
      const owner = name.startsWith('self.') ? enclosing(n, CLASS_TYPES) : scope;
      if (!owner) return undefined;
      return [{ name, scope: owner, pos: n.endIndex, op: method, value: arg } satisfies Binding];
    }
    return undefined;
  },
  params(n) {
    const params = n.childForFieldName('parameters');
    if (!params) return [];
    const out: string[] = [];
    for (const p of params.namedChildren) {
      if (!p) continue;
      if (p.type === 'identifier') out.push(p.text);
      else {
        const name = p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier');
        if (name) out.push(name.text);
      }
    }
    return out;
  },
  imports(n) {
    if (n.type !== 'import_statement' && n.type !== 'import_from_statement') return undefined;
    const out: string[] = [];
    for (const c of n.namedChildren) {
      if (!c || (n.type === 'import_from_statement' && c.id === n.childForFieldName('module_name')?.id)) continue;
      if (c.type === 'aliased_import') out.push(c.childForFieldName('alias')?.text ?? '');
      else if (c.type === 'dotted_name') out.push(c.text.split('.')[0] ?? '');
    }
    return out.filter(Boolean);
  },
  functionName(n) {
    return n.type === 'function_definition' ? n.childForFieldName('name')?.text : undefined;
  },
  returnValue(n) {
    if (n.type === 'return_statement') return n.namedChild(0) ?? undefined;
    if (n.type === 'lambda') return n.childForFieldName('body') ?? undefined;
    return undefined;
  },
  comment(n) {
    return { start: n.startIndex, end: n.endIndex, body: n.text.replace(/^#/, '') };
  },
};

export function pythonIndex(root: SyntaxNode): ScopeIndex {
  return new ScopeIndex(root, PY_SPEC, new Set(['call']));
}

/** String methods that keep the text a prompt renders close enough to follow (whitespace and case). */
const PASS_THROUGH = new Set(['strip', 'lstrip', 'rstrip', 'dedent', 'cleandoc', 'str']);

export class PythonEvaluator extends Evaluator {
  protected identifiersIn(node: SyntaxNode): SyntaxNode[] {
    if (node.type === 'identifier') return [node];
    return node.descendantsOfType('identifier').filter((n): n is SyntaxNode => n !== null && n.parent?.type !== 'keyword_argument');
  }

  protected evalNode(node: SyntaxNode): Val {
    switch (node.type) {
      case 'string':
        return this.string(node);
      case 'concatenated_string': {
        const parts: Part[] = [];
        for (const c of node.namedChildren) if (c) parts.push(...this.partsAt(this.eval(c), c));
        return { t: 'str', parts, node };
      }
      case 'parenthesized_expression':
      case 'await':
      case 'expression_statement': {
        const inner = node.namedChild(0);
        return inner ? this.eval(inner) : this.opaque(node);
      }
      case 'identifier':
        return this.resolveName(node.text, node);
      case 'attribute': {
        const obj = node.childForFieldName('object');
        if (obj?.text === 'self') return this.resolveName(`self.${node.childForFieldName('attribute')?.text ?? ''}`, node, true);
        return this.opaque(node);
      }
      case 'binary_operator': {
        const op = node.childForFieldName('operator')?.text;
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (!left || !right) return this.opaque(node);
        if (op === '+') return this.concat(this.eval(left), this.eval(right), node);
        if (op === '%') return this.percent(this.eval(left), right, node);
        return this.opaque(node);
      }
      case 'list':
      case 'tuple':
        return this.sequence(node, 'list_splat');
      case 'set':
      case 'set_comprehension':
        // set order follows hashing, which varies between processes for strings
        return { t: 'hole', hole: { tag: node.text, at: node.startIndex, expr: `set(${this.exprWithOrigins(node)})`, kind: 'variable' }, node };
      case 'dictionary':
        return this.dict(node);
      case 'call':
        return this.call(node);
      case 'integer':
      case 'float':
      case 'true':
      case 'false':
      case 'none':
      case 'lambda':
        return { t: 'code', node };
      default:
        return this.opaque(node);
    }
  }

  private string(node: SyntaxNode): Val {
    const start = node.namedChild(0);
    const prefix = start?.type === 'string_start' ? start.text.replace(/["']+$/, '').toLowerCase() : '';
    const raw = prefix.includes('r');
    const parts: Part[] = [];
    const add = (n: SyntaxNode): void => {
      switch (n.type) {
        case 'string_start':
        case 'string_end':
          return;
        case 'string_content': {
          // escapes are children of the content: text between them is literal
          let pos = n.startIndex;
          const text = n.text;
          const base = n.startIndex;
          for (const c of n.namedChildren) {
            if (!c) continue;
            if (c.startIndex > pos) parts.push({ lit: text.slice(pos - base, c.startIndex - base), at: pos });
            if (c.type === 'escape_interpolation') parts.push({ lit: (c.text[0] as string), at: c.startIndex });
            else if (c.type === 'escape_sequence' && !raw) {
              const d = decodeEscape(c.text);
              parts.push({ lit: d ?? c.text, at: c.startIndex });
            } else parts.push({ lit: c.text, at: c.startIndex });
            pos = c.endIndex;
          }
          if (pos < n.endIndex) parts.push({ lit: text.slice(pos - base), at: pos });
          return;
        }
        case 'interpolation': {
          const expr = n.childForFieldName('expression');
          if (!expr) return;
          const v = this.eval(expr);
          const plain = !n.childForFieldName('format_specifier') && !n.childForFieldName('type_conversion');
          if (v.t === 'str' && plain) parts.push(...v.parts);
          else parts.push(...this.partsAt(v.t === 'str' ? this.opaque(expr) : v, n, n.text));
          return;
        }
        default:
          parts.push({ lit: n.text, at: n.startIndex });
      }
    };
    for (const c of node.children) if (c) add(c);
    return { t: 'str', parts, node };
  }

  /** `template % args`: `%s` and the other conversions filled from the right operand (a tuple or one value). */
  private percent(template: Val, right: SyntaxNode, node: SyntaxNode): Val {
    const args = right.type === 'tuple' ? right.namedChildren.filter((c): c is SyntaxNode => c !== null) : [right];
    let k = 0;
    return this.substitute(template, node, /%%|%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdirfgexXo]/g, (m, at) => {
      if (m[0] === '%%') return [{ lit: '%', at }];
      const argNode = args[k++] ?? right;
      const v = this.eval(argNode);
      if (v.t === 'str' && m[0] === '%s') return v.parts;
      return [{ hole: { ...this.holeFor(v.t === 'str' ? this.opaque(argNode) : v), tag: m[0], at } }];
    });
  }

  private dict(node: SyntaxNode): Val {
    const entries: Array<[string, Val]> = [];
    for (const c of node.namedChildren) {
      if (!c || c.type !== 'pair') continue;
      const k = c.childForFieldName('key');
      const v = c.childForFieldName('value');
      if (!k || !v) continue;
      const key = this.eval(k);
      const name = key.t === 'str' && key.parts.every((p) => 'lit' in p) ? key.parts.map((p) => ('lit' in p ? p.lit : '')).join('') : k.text;
      entries.push([name, this.eval(v)]);
    }
    return { t: 'dict', entries, node };
  }

  private call(node: SyntaxNode): Val {
    const info = this.callInfo(node);
    if (!info) return this.opaque(node);
    const fn = node.childForFieldName('function');
    const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
    const obj = fn?.type === 'attribute' ? fn.childForFieldName('object') : undefined;
    if (method && obj) {
      if (method === 'format') return this.format(this.eval(obj), info, node);
      if (method === 'join') return this.join(this.eval(obj), info.arg(0), node);
      if (PASS_THROUGH.has(method) && info.argCount === 0) return this.eval(obj);
      if (method === 'values' || method === 'keys') {
        // a dict written in the file iterates in the order it is written (Python 3.7+)
        const d = this.eval(obj);
        if (d.t === 'dict') {
          return { t: 'list', items: d.entries.map(([k, v]) => (method === 'values' ? v : ({ t: 'str', parts: [{ lit: k, at: v.node.startIndex }], node: v.node } as Val))), node, assembled: false };
        }
        return this.opaque(node);
      }
    }
    const plain = fn?.type === 'identifier' ? fn.text : undefined;
    if (((plain && PASS_THROUGH.has(plain)) || info.callee === 'textwrap.dedent' || info.callee === 'inspect.cleandoc') && info.argCount === 1) {
      const a = info.arg(0) as Val;
      return a.t === 'str' ? a : this.opaque(node);
    }
    if (info.callee === 'json.dumps' && info.argCount >= 1) return this.jsonText(info.arg(0), node, true);
    if ((plain === 'list' || plain === 'tuple') && info.argCount === 1) {
      const a = info.arg(0) as Val;
      if (a.t === 'list') return a;
    }
    if (plain) {
      const f = this.index.functions.get(plain);
      if (f?.returns && !this.index.imported.has(plain)) {
        const v = this.eval(f.returns);
        if (v.t !== 'hole' && v.t !== 'code') return v;
      }
    }
    return { t: 'call', call: info, node };
  }

  callInfo(node: SyntaxNode): CallInfo | undefined {
    if (node.type !== 'call') return undefined;
    const fn = node.childForFieldName('function');
    const argsNode = node.childForFieldName('arguments');
    if (!fn) return undefined;
    const positional: SyntaxNode[] = [];
    const named = new Map<string, SyntaxNode>();
    if (argsNode?.type === 'argument_list') {
      for (const a of argsNode.namedChildren) {
        if (!a || a.type === 'comment') continue;
        if (a.type === 'keyword_argument') {
          const k = a.childForFieldName('name')?.text;
          const v = a.childForFieldName('value');
          if (k && v) named.set(k, v);
        } else if (a.type !== 'list_splat' && a.type !== 'dictionary_splat') positional.push(a);
      }
    } else if (argsNode) positional.push(argsNode);
    const ev = (n: SyntaxNode | undefined): Val | undefined => (n ? this.eval(n) : undefined);
    return {
      callee: calleePath(fn.text),
      node,
      argCount: positional.length,
      arg: (i) => ev(positional[i]),
      kw: (name) => {
        const n = named.get(name) ?? named.get(toSnake(name));
        if (n) return this.eval(n);
        return undefined;
      },
    };
  }
}

/** `client.messages.create`, `anthropic.Anthropic().messages.create` → `anthropic.Anthropic.messages.create`. */
export function calleePath(text: string): string {
  let s = text.replace(/\s+/g, '');
  // drop argument lists, innermost first
  for (let i = 0; i < 8 && /\([^()]*\)/.test(s); i++) s = s.replace(/\([^()]*\)/g, '');
  return s.replace(/\[[^\]]*\]/g, '').replace(/^await/, '').replace(/\?\./g, '.').replace(/!/g, '');
}

export function toSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}
