// TypeScript and JavaScript: scopes, bindings and expression values from a tree-sitter tree (the
// typescript, tsx and javascript grammars share these node types).
import type { SyntaxNode } from './parser.js';
import { Evaluator, decodeEscape } from './evaluate.js';
import { enclosing, ScopeIndex, type ScopeSpec } from './scope.js';
import { calleePath, toSnake } from './python.js';
import type { CallInfo, Part, Val } from './values.js';

const CLASS_TYPES = new Set(['class_declaration', 'class', 'abstract_class_declaration']);
const FUNCTION_TYPES = ['function_declaration', 'function_expression', 'function', 'arrow_function', 'method_definition', 'generator_function_declaration', 'generator_function'];

function memberName(n: SyntaxNode): string | undefined {
  if (n.type === 'identifier') return n.text;
  if (n.type === 'member_expression' && n.childForFieldName('object')?.type === 'this') {
    const p = n.childForFieldName('property')?.text;
    return p ? `this.${p}` : undefined;
  }
  return undefined;
}

/** Expression wrappers that do not change a value. */
const TRANSPARENT = new Set(['parenthesized_expression', 'as_expression', 'satisfies_expression', 'non_null_expression', 'type_assertion', 'await_expression']);

const JS_SPEC: ScopeSpec = {
  scopes: new Set([...FUNCTION_TYPES, ...CLASS_TYPES]),
  interesting: new Set(['variable_declarator', 'public_field_definition', 'field_definition', 'assignment_expression', 'augmented_assignment_expression', 'import_statement', 'return_statement']),
  classTypes: CLASS_TYPES,
  bindings(n, scope) {
    switch (n.type) {
      case 'variable_declarator': {
        const name = n.childForFieldName('name');
        const value = n.childForFieldName('value');
        if (name?.type !== 'identifier' || !value) return undefined;
        return [{ name: name.text, scope, pos: n.endIndex, op: '=', value }];
      }
      case 'public_field_definition':
      case 'field_definition': {
        const name = n.childForFieldName('name') ?? n.childForFieldName('property');
        const value = n.childForFieldName('value');
        const cls = enclosing(n, CLASS_TYPES);
        if (!name || !value || !cls) return undefined;
        return [{ name: `this.${name.text}`, scope: cls, pos: n.endIndex, op: '=', value }];
      }
      case 'assignment_expression':
      case 'augmented_assignment_expression': {
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right');
        const name = left ? memberName(left) : undefined;
        if (!name || !right) return undefined;
        const op = n.type === 'assignment_expression' ? '=' : n.childForFieldName('operator')?.text === '+=' ? '+=' : undefined;
        if (!op) return undefined;
        const owner = name.startsWith('this.') ? enclosing(n, CLASS_TYPES) : scope;
        if (!owner) return undefined;
        return [{ name, scope: owner, pos: n.endIndex, op, value: right }];
      }
      case 'call_expression': {
        // names.push(a, b)
        const fn = n.childForFieldName('function');
        if (fn?.type !== 'member_expression' || fn.childForFieldName('property')?.text !== 'push') return undefined;
        const obj = fn.childForFieldName('object');
        const name = obj ? memberName(obj) : undefined;
        const owner = name?.startsWith('this.') ? enclosing(n, CLASS_TYPES) : scope;
        if (!name || !owner) return undefined;
        const args = n.childForFieldName('arguments');
        return (args?.namedChildren ?? [])
          .filter((a): a is SyntaxNode => a !== null && a.type !== 'comment')
          .map((a) => ({ name, scope: owner, pos: n.endIndex, op: a.type === 'spread_element' ? ('extend' as const) : ('append' as const), value: a.type === 'spread_element' ? (a.namedChild(0) ?? a) : a }));
      }
      default:
        return undefined;
    }
  },
  params(n) {
    const params = n.childForFieldName('parameters') ?? n.childForFieldName('parameter');
    if (!params) return [];
    if (params.type === 'identifier') return [params.text];
    const out: string[] = [];
    const visit = (p: SyntaxNode): void => {
      switch (p.type) {
        case 'identifier':
        case 'shorthand_property_identifier_pattern':
          out.push(p.text);
          return;
        case 'required_parameter':
        case 'optional_parameter': {
          const pat = p.childForFieldName('pattern');
          if (pat) visit(pat);
          return;
        }
        case 'assignment_pattern': {
          const left = p.childForFieldName('left');
          if (left) visit(left);
          return;
        }
        case 'pair_pattern': {
          const v = p.childForFieldName('value');
          if (v) visit(v);
          return;
        }
        default:
          for (const c of p.namedChildren) if (c && c.type !== 'type_annotation') visit(c);
      }
    };
    visit(params);
    return out;
  },
  imports(n) {
    if (n.type !== 'import_statement') return undefined;
    return n.descendantsOfType(['identifier']).filter((c): c is SyntaxNode => c !== null).map((c) => c.text);
  },
  functionName(n) {
    if (n.type === 'function_declaration' || n.type === 'generator_function_declaration') return n.childForFieldName('name')?.text;
    if (n.type === 'arrow_function' || n.type === 'function_expression' || n.type === 'function') {
      const decl = n.parent;
      if (decl?.type === 'variable_declarator') return decl.childForFieldName('name')?.text;
    }
    return undefined;
  },
  returnValue(n) {
    if (n.type === 'return_statement') return n.namedChild(0) ?? undefined;
    // an arrow function whose body is an expression returns it
    if (n.type === 'arrow_function') {
      const body = n.childForFieldName('body');
      if (body && body.type !== 'statement_block') return body;
    }
    return undefined;
  },
  comment(n) {
    const t = n.text;
    const body = t.startsWith('//') ? t.slice(2) : t.replace(/^\/\*+/, '').replace(/\*+\/$/, '');
    return { start: n.startIndex, end: n.endIndex, body };
  },
};

export function javascriptIndex(root: SyntaxNode): ScopeIndex {
  return new ScopeIndex(root, JS_SPEC, new Set(['call_expression', 'new_expression']));
}

/** Template tags and functions that return their text (modulo indentation). */
const TEXT_TAGS = /^(?:dedent|stripIndent|stripIndents|outdent|oneLine|oneLineTrim|html|String\.raw|ts\.dedent)$/;
const PASS_THROUGH_METHODS = new Set(['trim', 'trimStart', 'trimEnd', 'toString']);

export class JavaScriptEvaluator extends Evaluator {
  protected identifiersIn(node: SyntaxNode): SyntaxNode[] {
    if (node.type === 'identifier' || node.type === 'shorthand_property_identifier') return [node];
    return node.descendantsOfType(['identifier', 'shorthand_property_identifier']).filter((n): n is SyntaxNode => n !== null);
  }

  protected evalNode(node: SyntaxNode): Val {
    if (TRANSPARENT.has(node.type)) {
      const inner = node.namedChildren.find((c) => c && !/type|annotation/.test(c.type));
      return inner ? this.eval(inner) : this.opaque(node);
    }
    switch (node.type) {
      case 'string':
      case 'template_string':
        return this.string(node);
      case 'identifier':
        if (node.text === 'undefined') return { t: 'code', node };
        return this.resolveName(node.text, node);
      case 'shorthand_property_identifier':
        return this.resolveName(node.text, node);
      case 'member_expression': {
        const obj = node.childForFieldName('object');
        if (obj?.type === 'this') return this.resolveName(`this.${node.childForFieldName('property')?.text ?? ''}`, node, true);
        return this.opaque(node);
      }
      case 'binary_expression': {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (node.childForFieldName('operator')?.text === '+' && left && right) return this.concat(this.eval(left), this.eval(right), node);
        return this.opaque(node);
      }
      case 'array':
        return this.sequence(node, 'spread_element');
      case 'object':
        return this.object(node);
      case 'call_expression':
      case 'new_expression':
        return this.call(node);
      case 'number':
      case 'true':
      case 'false':
      case 'null':
      case 'arrow_function':
      case 'function_expression':
      case 'regex':
        return { t: 'code', node };
      default:
        return this.opaque(node);
    }
  }

  private string(node: SyntaxNode): Val {
    const parts: Part[] = [];
    const raw = node.parent?.type === 'call_expression' && node.parent.childForFieldName('function')?.text === 'String.raw';
    for (const c of node.namedChildren) {
      if (!c) continue;
      switch (c.type) {
        case 'string_fragment':
          parts.push({ lit: c.text, at: c.startIndex });
          break;
        case 'escape_sequence':
          parts.push({ lit: raw ? c.text : (decodeEscape(c.text) ?? c.text), at: c.startIndex });
          break;
        case 'template_substitution': {
          const expr = c.namedChild(0);
          if (!expr) break;
          const v = this.eval(expr);
          parts.push(...this.partsAt(v, c, c.text));
          break;
        }
        default:
          break;
      }
    }
    return { t: 'str', parts, node };
  }

  private object(node: SyntaxNode): Val {
    const entries: Array<[string, Val]> = [];
    for (const c of node.namedChildren) {
      if (!c) continue;
      if (c.type === 'pair') {
        const k = c.childForFieldName('key');
        const v = c.childForFieldName('value');
        if (!k || !v) continue;
        const key = k.type === 'string' ? k.text.slice(1, -1) : k.type === 'computed_property_name' ? k.text : k.text;
        entries.push([key, this.eval(v)]);
      } else if (c.type === 'shorthand_property_identifier') {
        entries.push([c.text, this.eval(c)]);
      } else if (c.type === 'method_definition') {
        const name = c.childForFieldName('name')?.text ?? '';
        entries.push([name, { t: 'code', node: c }]);
      } else if (c.type === 'spread_element') {
        const inner = c.namedChild(0);
        const v = inner ? this.eval(inner) : undefined;
        if (v?.t === 'dict') entries.push(...v.entries);
      }
    }
    return { t: 'dict', entries, node };
  }

  private call(node: SyntaxNode): Val {
    const info = this.callInfo(node);
    if (!info) return this.opaque(node);
    const fn = node.childForFieldName('function');
    const args = node.childForFieldName('arguments');
    // dedent`...`: a tagged template
    if (args?.type === 'template_string') {
      if (fn && TEXT_TAGS.test(calleePath(fn.text))) return this.eval(args);
      return this.opaque(node);
    }
    if (fn?.type === 'member_expression') {
      const method = fn.childForFieldName('property')?.text;
      const obj = fn.childForFieldName('object');
      if (obj && method === 'join') {
        const sep = info.argCount === 0 ? ({ t: 'str', parts: [{ lit: ',', at: node.startIndex }], node } as Val) : (info.arg(0) as Val);
        return this.join(sep, this.eval(obj), node);
      }
      if (obj && method && PASS_THROUGH_METHODS.has(method) && info.argCount === 0) return this.eval(obj);
      if (obj && method === 'concat') {
        let v = this.eval(obj);
        for (let i = 0; i < info.argCount; i++) v = this.concat(v, info.arg(i) as Val, node);
        return v;
      }
    }
    if (info.callee === 'JSON.stringify' && info.argCount === 1) return this.jsonText(info.arg(0), node, false);
    const plain = fn?.type === 'identifier' ? fn.text : undefined;
    if (plain && (plain === 'String' || TEXT_TAGS.test(plain)) && info.argCount === 1) {
      const a = info.arg(0) as Val;
      return a.t === 'str' ? a : this.opaque(node);
    }
    if (plain && node.type === 'call_expression') {
      const f = this.index.functions.get(plain);
      if (f?.returns && !this.index.imported.has(plain)) {
        const v = this.eval(f.returns);
        if (v.t !== 'hole' && v.t !== 'code') return v;
      }
    }
    return { t: 'call', call: info, node };
  }

  callInfo(node: SyntaxNode): CallInfo | undefined {
    if (node.type !== 'call_expression' && node.type !== 'new_expression') return undefined;
    const fn = node.childForFieldName(node.type === 'new_expression' ? 'constructor' : 'function');
    if (!fn) return undefined;
    const argsNode = node.childForFieldName('arguments');
    const positional: SyntaxNode[] = [];
    if (argsNode?.type === 'arguments') {
      for (const a of argsNode.namedChildren) if (a && a.type !== 'comment' && a.type !== 'spread_element') positional.push(a);
    }
    const ev = (n: SyntaxNode | undefined): Val | undefined => (n ? this.eval(n) : undefined);
    let objects: Array<Extract<Val, { t: 'dict' }>> | undefined;
    return {
      callee: calleePath(fn.text),
      node,
      argCount: positional.length,
      arg: (i) => ev(positional[i]),
      kw: (name) => {
        objects ??= positional
          .filter((p) => p.type === 'object' || p.type === 'identifier')
          .map((p) => this.eval(p))
          .filter((v): v is Extract<Val, { t: 'dict' }> => v.t === 'dict');
        const snake = toSnake(name);
        const camel = name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
        for (const o of objects) {
          const hit = o.entries.find(([k]) => k === name || k === camel || k === snake);
          if (hit) return hit[1];
        }
        return undefined;
      },
    };
  }
}
