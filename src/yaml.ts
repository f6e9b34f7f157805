// The yaml package, loaded on first use. It is CommonJS and costs ~20 ms to load in every thread that
// imports it, and most runs parse no YAML at all: built-in rules and prices come from dist/snapshot.json,
// and a log run reads JSON. Modules that parse YAML call yaml() where they parse; types come from
// `import type`.
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { DEFAULT_LIMITS, type Limits } from './limits.js';

let mod: typeof Yaml | undefined;

/** The yaml package (the same module `import 'yaml'` gives under Node: its CommonJS build). */
export function yaml(): typeof Yaml {
  return (mod ??= createRequire(import.meta.url)('yaml') as typeof Yaml);
}

/** What a document's aliases add when expanded. */
export interface AliasExpansion {
  /** nodes in the document as written (an alias counts once) */
  own: number;
  /** nodes its aliases add when every alias is replaced by a copy of its anchor (Infinity for a cycle) */
  added: number;
  /** offset of the first alias in the document's text, when it has one */
  firstAlias?: number;
  /** each alias's anchored node (the nearest preceding anchor of its name), for walkers that follow them */
  targets: Map<Yaml.Alias, Yaml.Node>;
}

/**
 * Counts the nodes a document's aliases add when expanded, without expanding anything: one pass in
 * document order, each node's expanded size computed once (an anchor precedes its aliases, so its size is
 * known when they are met; an alias inside its own anchor is a cycle, counted as Infinity). Linear in the
 * document's own nodes, iterative (no recursion), so a billion-laughs bomb is measured in milliseconds.
 */
export function aliasExpansion(doc: Yaml.Document): AliasExpansion {
  const y = yaml();
  const anchors = new Map<string, unknown>();
  const size = new Map<unknown, number>();
  const open = new Set<unknown>();
  const targets = new Map<Yaml.Alias, Yaml.Node>();
  let own = 0;
  let firstAlias: number | undefined;
  // [node, children pushed?]
  const stack: Array<[unknown, boolean]> = doc.contents ? [[doc.contents, false]] : [];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as [unknown, boolean];
    const [node, expanded] = top;
    if (!expanded) {
      top[1] = true;
      own++;
      const anchor = (node as { anchor?: string }).anchor;
      if (anchor) anchors.set(anchor, node);
      if (y.isAlias(node)) {
        firstAlias ??= node.range?.[0];
        const target = anchors.get(node.source);
        if (target !== undefined) targets.set(node, target as Yaml.Node);
        stack.pop();
        size.set(node, target === undefined ? 1 : open.has(target) ? Infinity : (size.get(target) ?? 1));
        continue;
      }
      open.add(node);
      const kids: unknown[] = [];
      if (y.isMap(node) || y.isSeq(node)) {
        for (const item of node.items as unknown[]) {
          if (y.isPair(item)) {
            if (item.key != null) kids.push(item.key);
            if (item.value != null) kids.push(item.value);
          } else if (item != null) kids.push(item);
        }
      }
      for (let k = kids.length - 1; k >= 0; k--) stack.push([kids[k], false]);
      continue;
    }
    stack.pop();
    open.delete(node);
    let total = 1;
    if (y.isMap(node) || y.isSeq(node)) {
      for (const item of node.items as unknown[]) {
        if (y.isPair(item)) total += (item.key != null ? (size.get(item.key) ?? 1) : 0) + (item.value != null ? (size.get(item.value) ?? 1) : 0);
        else if (item != null) total += size.get(item) ?? 1;
      }
    }
    size.set(node, total);
  }
  const all = doc.contents ? (size.get(doc.contents) ?? own) : 0;
  return { own, added: Math.max(0, all - own), targets, ...(firstAlias !== undefined ? { firstAlias } : {}) };
}

/**
 * Why a document's aliases are refused as a possible alias bomb ("billion laughs"), or undefined: they add
 * more than `aliasExpansionRatio` times the document's own nodes (at least `aliasExpansionFloor`), more
 * than `aliasExpansionCeiling` in all, or an alias sits inside its own anchor.
 */
export function aliasProblem(
  doc: Yaml.Document,
  limits: Pick<Limits, 'aliasExpansionRatio' | 'aliasExpansionFloor' | 'aliasExpansionCeiling'> = DEFAULT_LIMITS,
  expansion: AliasExpansion = aliasExpansion(doc),
): { message: string; offset: number } | undefined {
  const e = expansion;
  if (e.added === 0) return undefined;
  const allowed = Math.min(limits.aliasExpansionCeiling, Math.max(limits.aliasExpansionFloor, e.own * limits.aliasExpansionRatio));
  if (e.added <= allowed) return undefined;
  const message =
    e.added === Infinity
      ? 'a YAML alias refers to the node it is inside (it would expand forever); refusing a possible alias bomb'
      : `YAML aliases expand to ${fmt(e.added)} more nodes, over the ${fmt(allowed)} allowed for a document of ${fmt(e.own)} nodes; refusing a possible alias bomb`;
  return { message, offset: e.firstAlias ?? 0 };
}

function fmt(n: number): string {
  return n >= 1e15 ? n.toExponential(1) : Math.round(n).toLocaleString('en-US');
}
