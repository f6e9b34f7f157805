// Where names get their values within one file: assignments (and `+=`, `.append`/`.push`) per scope,
// function parameters, imported names, and functions whose return value can be followed.
import type { SyntaxNode } from './parser.js';

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
  /** binding statements: returns bindings for a node, or undefined when the node binds nothing */
  bindings(node: SyntaxNode, scope: SyntaxNode): Binding[] | undefined;
  /** parameter names of a function-like scope node */
  params(node: SyntaxNode): string[];
  /** names a module imports (from other files) */
  imports(node: SyntaxNode): string[] | undefined;
  /** a named function definition: its name, when the node is one */
  functionName(node: SyntaxNode): string | undefined;
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
    // An explicit stack: generated or hostile files nest deeper than the JS stack allows.
    const stack: Array<{ n: SyntaxNode; scope: SyntaxNode; fn?: FunctionInfo }> = [{ n: root, scope: root }];
    while (stack.length) {
      const { n, scope, fn } = stack.pop() as { n: SyntaxNode; scope: SyntaxNode; fn?: FunctionInfo };
      let inner = scope;
      let innerFn = fn;
      const type = n.type;
      if (callTypes.has(type)) this.calls.push(n);
      else if (type === 'comment') {
        const c = spec.comment(n);
        if (c) this.comments.push(c);
      }
      if (n !== root && spec.scopes.has(type)) {
        inner = n;
        this.params.set(n.id, new Set(spec.params(n)));
        const name = spec.functionName(n);
        if (name !== undefined) {
          innerFn = { node: n };
          if (!this.functions.has(name)) this.functions.set(name, innerFn);
        } else innerFn = spec.classTypes.has(type) ? undefined : { node: n };
      } else {
        const b = spec.bindings(n, scope);
        if (b) for (const x of b) this.add(x);
        const imp = spec.imports(n);
        if (imp) for (const name of imp) this.imported.add(name);
        const ret = fn ? spec.returnValue(n) : undefined;
        if (ret && fn && (!fn.returns || fn.returns.startIndex < ret.startIndex)) fn.returns = ret;
      }
      for (let i = n.childCount - 1; i >= 0; i--) {
        const c = n.child(i);
        if (c) stack.push({ n: c, scope: inner, ...(innerFn ? { fn: innerFn } : {}) });
      }
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
    const all = this.bindings.get(name);
    if (!all) return undefined;
    let cls: SyntaxNode | null = node.parent;
    while (cls && !this.spec.classTypes.has(cls.type)) cls = cls.parent;
    if (!cls) return undefined;
    const id = cls.id;
    const here = all.filter((b) => b.scope.id === id);
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
