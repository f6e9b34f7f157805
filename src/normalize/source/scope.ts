// Where names get their values within one file: assignments (and `+=`, `.append`/`.push`) per scope,
// function parameters, imported names, and functions whose return value can be followed.
import { compileQuery, type SyntaxNode } from './parser.js';
import type * as TS from '@vscode/tree-sitter-wasm';

/** One query per language and set of node types, compiled once per process. */
const queries = new Map<string, TS.Query>();

/** A query capturing every named node of the given types that the tree's grammar has. */
function queryFor(root: SyntaxNode, types: readonly string[]): TS.Query {
  const language = root.tree.language;
  const key = `${language.name ?? ''}\0${types.join(' ')}`;
  let q = queries.get(key);
  if (!q) {
    const known = [...new Set(types)].filter((t) => language.idForNodeType(t, true) !== null);
    q = compileQuery(language, known.map((t) => `(${t}) @n`).join('\n'));
    queries.set(key, q);
  }
  return q;
}


/** One thing that sets or extends a name's value. */
export interface Binding {
  name: string;
  /** the scope node (module, function, class) the binding belongs to */
  scope: SyntaxNode;
  /** where it takes effect: the end of the statement */
  pos: number;
  /** `=` replaces; `+=` concatenates; `append` adds one item; `extend` adds a list's items */
  op: '=' | '+=' | 'append' | 'extend';
  value: SyntaxNode;
}

export interface FunctionInfo {
  node: SyntaxNode;
  /** the expression returned last in the function's own body (not in nested functions) */
  returns?: SyntaxNode;
}

/** Node types per language that the scope index needs. */
export interface ScopeSpec {
  scopes: ReadonlySet<string>;
  /** the node types the walk hands to the functions below (all others are passed over) */
  interesting: ReadonlySet<string>;
  /** binding statements: returns bindings for a node, or undefined when the node binds nothing */
  bindings(node: SyntaxNode, scope: SyntaxNode): Binding[] | undefined;
  /** parameter names of a function-like scope node */
  params(node: SyntaxNode): string[];
  /** names a module imports (from other files) */
  imports(node: SyntaxNode): string[] | undefined;
  /** a named function definition: its name, when the node is one */
  functionName(node: SyntaxNode): string | undefined;
  /** the value a return statement returns, or for a function-like scope node its expression body */
  returnValue(node: SyntaxNode): SyntaxNode | undefined;
  comment(node: SyntaxNode): { start: number; end: number; body: string } | undefined;
  /** the class a `self.x`/`this.x` binding belongs to */
  classTypes: ReadonlySet<string>;
}

export class ScopeIndex {
  readonly bindings = new Map<string, Binding[]>();
  readonly params = new Map<SyntaxNode['id'], Set<string>>();
  readonly imported = new Set<string>();
  readonly functions = new Map<string, FunctionInfo>();
  readonly comments: Array<{ start: number; end: number; body: string }> = [];
  /** call nodes of the file, in source order */
  readonly calls: SyntaxNode[] = [];

  constructor(
    root: SyntaxNode,
    readonly spec: ScopeSpec,
    callTypes: ReadonlySet<string>,
  ) {
    // A tree-sitter query finds the few node types that matter inside WebAssembly, in source order;
    // walking every node from JavaScript cost a round trip per node. Scopes are then assigned by a sweep
    // over the captures with a stack of open scopes (no parent walks, no recursion).
    const captures = queryFor(root, [...spec.interesting, ...callTypes, ...spec.scopes, 'comment']).captures(root);
    const open: Array<{ end: number; scope: SyntaxNode; fn: FunctionInfo | undefined }> = [{ end: Infinity, scope: root, fn: undefined }];
    let last = -1;
    for (const { node: n } of captures) {
      if (n.id === last) continue; // a node matched by two patterns
      last = n.id;
      const start = n.startIndex;
      while ((open[open.length - 1] as { end: number }).end <= start) open.pop();
      const top = open[open.length - 1] as { scope: SyntaxNode; fn: FunctionInfo | undefined };
      const type = n.type;
      if (callTypes.has(type)) this.calls.push(n);
      else if (type === 'comment') {
        const c = spec.comment(n);
        if (c) this.comments.push(c);
        continue;
      }
      if (spec.scopes.has(type)) {
        this.params.set(n.id, new Set(spec.params(n)));
        const name = spec.functionName(n);
        let fn: FunctionInfo | undefined;
        if (name !== undefined) {
          fn = { node: n };
          if (!this.functions.has(name)) this.functions.set(name, fn);
        } else if (!spec.classTypes.has(type)) fn = { node: n };
        const body = fn ? spec.returnValue(n) : undefined;
        if (fn && body) fn.returns = body;
        open.push({ end: n.endIndex, scope: n, fn });
        continue;
      }
      const b = spec.bindings(n, top.scope);
      if (b) for (const x of b) this.add(x);
      const imp = spec.imports(n);
      if (imp) for (const name of imp) this.imported.add(name);
      const ret = top.fn ? spec.returnValue(n) : undefined;
      if (ret && top.fn && (!top.fn.returns || top.fn.returns.startIndex < ret.startIndex)) top.fn.returns = ret;
    }
    this.calls.sort((a, b) => a.startIndex - b.startIndex);
    this.comments.sort((a, b) => a.start - b.start);
    for (const list of this.bindings.values()) list.sort((a, b) => a.pos - b.pos);
  }

  private add(b: Binding): void {
    const list = this.bindings.get(b.name);
    if (list) list.push(b);
    else this.bindings.set(b.name, [b]);
  }

  /** The scope nodes around `node`, innermost first, ending with the root. */
  scopesOf(node: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let p = node.parent; p; p = p.parent) {
      if (this.spec.scopes.has(p.type) || !p.parent) out.push(p);
    }
    return out;
  }

  /**
   * The bindings that make up `name`'s value at `node`: the last `=` before it in the innermost scope
   * that binds the name, then the `+=`/`append` that follow it up to `node`. `param` when a parameter
   * of an enclosing function is that name; undefined when the file never binds it.
   */
  lookup(name: string, node: SyntaxNode): Binding[] | 'param' | undefined {
    const all = this.bindings.get(name);
    const at = node.startIndex;
    for (const scope of this.scopesOf(node)) {
      if (this.params.get(scope.id)?.has(name)) return 'param';
      if (!all) continue;
      const here = all.filter((b) => b.scope.id === scope.id);
      if (here.length === 0) continue;
      const before = here.filter((b) => b.pos <= at);
      // A module-level name used inside a function may be bound after the function is defined.
      const pool = before.length ? before : scope.parent === null ? here : [];
      if (pool.length === 0) continue;
      let k = pool.length - 1;
      while (k > 0 && (pool[k] as Binding).op !== '=') k--;
      return pool.slice(k);
    }
    return undefined;
  }

  /** The bindings of `self.x` / `this.x` in the class around `node`, anywhere in it (the constructor runs first). */
  lookupMember(name: string, node: SyntaxNode): Binding[] | undefined {
    const all = this.bindings.get(name) ?? [];
    let cls: SyntaxNode | null = node.parent;
    while (cls && !this.spec.classTypes.has(cls.type)) cls = cls.parent;
    if (!cls) return undefined;
    const id = cls.id;
    // `self.x` also reads a class attribute `x = …` written in the class body
    const bare = this.bindings.get(name.replace(/^(?:self|this)\./, '')) ?? [];
    const here = [...bare.filter((b) => b.scope.id === id), ...all.filter((b) => b.scope.id === id)].sort((a, b) => a.pos - b.pos);
    if (here.length === 0) return undefined;
    let k = here.length - 1;
    while (k > 0 && (here[k] as Binding).op !== '=') k--;
    return here.slice(k);
  }
}

/** The nearest enclosing node of one of `types`. */
export function enclosing(node: SyntaxNode, types: ReadonlySet<string>): SyntaxNode | undefined {
  for (let p = node.parent; p; p = p.parent) if (types.has(p.type)) return p;
  return undefined;
}
