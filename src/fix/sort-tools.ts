// Structural fixes for JSON tool files: tools sorted by name (KV201) and the keys of every tool, function
// wrapper and JSON Schema object in one order per role, the first the file uses (KV202). The file is
// rewritten by moving source text, never re-serialized, so formatting and number spelling are kept and
// only reordered bytes change.
import { compareToolNames } from '../checks/tool-order.js';
import { member, parseJsonTree, renderTree, type JsonNode } from './json-tree.js';

/** Keys whose value is a JSON Schema (the same set the key-order check walks). */
const SCHEMA_ROOTS = new Set(['parameters', 'input_schema', 'inputSchema', 'outputSchema', 'output_schema', 'response', 'schema']);
/** Schema keys whose value maps names to schemas: that map's own order is the author's property order. */
const SCHEMA_MAPS = new Set(['properties', '$defs', 'definitions', 'patternProperties', 'dependentSchemas']);
const SCHEMA_CHILDREN = new Set(['items', 'additionalProperties', 'not', 'contains', 'if', 'then', 'else', 'propertyNames', 'additionalItems']);
const SCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems']);
/** Keys that hold a list of tools. */
const TOOL_LISTS = new Set(['tools', 'functions']);

function str(n: JsonNode | undefined): string | undefined {
  return n?.kind === 'scalar' && typeof n.value === 'string' ? n.value : undefined;
}

/** A tool's name in any of the shapes kvlint reads: `name`, OpenAI `function.name`, Bedrock `toolSpec.name`. */
export function toolNodeName(n: JsonNode): string | undefined {
  return str(member(n, 'name')) ?? str(member(member(n, 'function'), 'name')) ?? str(member(member(n, 'toolSpec'), 'name'));
}

export interface SortOptions {
  tools: boolean;
  keys: boolean;
  /** compare tool names by code point (the require-sorted-tools option) */
  caseSensitive?: boolean;
}

/** Every array of tools: the root array, or the value of a `tools` / `functions` key at any depth. */
function toolArrays(node: JsonNode, isRoot: boolean, out: Set<JsonNode>): void {
  if (node.kind === 'array') {
    if (isRoot && node.items.length > 1 && node.items.every((i) => i.kind === 'object' && toolNodeName(i) !== undefined)) out.add(node);
    for (const i of node.items) toolArrays(i, false, out);
  } else if (node.kind === 'object') {
    for (const m of node.members) {
      if (TOOL_LISTS.has(m.key) && m.value.kind === 'array' && m.value.items.every((i) => i.kind === 'object' && toolNodeName(i) !== undefined)) out.add(m.value);
      toolArrays(m.value, false, out);
    }
  }
}

/**
 * Objects of a tool with the role they play, in file order, walked the way the key-order check walks a
 * tool (tool, function wrapper, schema, nested tool fields), so the fix and the rule agree on what is
 * compared with what.
 */
function keyedObjects(node: JsonNode, role: string, out: Array<{ node: JsonNode & { kind: 'object' }; role: string }>): void {
  if (node.kind === 'array') {
    for (const i of node.items) keyedObjects(i, role, out);
    return;
  }
  if (node.kind !== 'object') return;
  out.push({ node, role });
  for (const m of node.members) {
    if (role === 'schema') {
      if (SCHEMA_MAPS.has(m.key) && m.value.kind === 'object') for (const sub of m.value.members) keyedObjects(sub.value, 'schema', out);
      else if (SCHEMA_CHILDREN.has(m.key) || SCHEMA_LISTS.has(m.key)) keyedObjects(m.value, 'schema', out);
      // enum, default, examples, const: data, not structure
    } else if (SCHEMA_ROOTS.has(m.key)) keyedObjects(m.value, 'schema', out);
    else if (m.key === 'function' || m.key === 'toolSpec') keyedObjects(m.value, m.key, out);
    else keyedObjects(m.value, `${role}.${m.key}`, out);
  }
}

/**
 * One key order per role: the order the file first uses. A key not seen before is placed right after its
 * predecessor in the object that introduces it, so objects that already agree keep their bytes and only
 * those that drift are reordered.
 */
function keyOrders(objects: ReadonlyArray<{ node: JsonNode & { kind: 'object' }; role: string }>): Map<JsonNode, number[]> {
  const lists = new Map<string, string[]>();
  for (const { node, role } of objects) {
    let list = lists.get(role);
    if (!list) lists.set(role, (list = []));
    let after = -1;
    for (const m of node.members) {
      const at = list.indexOf(m.key);
      if (at >= 0) after = at;
      else list.splice(++after, 0, m.key);
    }
  }
  const out = new Map<JsonNode, number[]>();
  for (const { node, role } of objects) {
    const list = lists.get(role) ?? [];
    const rank = (k: number): number => list.indexOf(node.members[k]!.key);
    const order = node.members.map((_, k) => k).sort((a, b) => rank(a) - rank(b) || a - b);
    if (order.some((v, k) => v !== k)) out.set(node, order);
  }
  return out;
}

/**
 * The file with its tool arrays sorted by name and/or its tool and schema keys in one order per role (the
 * first the file uses), or undefined when
 * the text is not JSON or nothing moves. A stable sort: duplicate names keep their relative order.
 */
export function sortToolFile(text: string, opts: SortOptions): string | undefined {
  const root = parseJsonTree(text);
  if (!root) return undefined;
  const arrays = new Set<JsonNode>();
  toolArrays(root, true, arrays);
  const objects: Array<{ node: JsonNode & { kind: 'object' }; role: string }> = [];
  if (opts.keys) for (const a of arrays) if (a.kind === 'array') for (const t of a.items) keyedObjects(t, 'tool', objects);
  const keyed = keyOrders(objects);
  const body = renderTree(text, root, (node) => {
    if (node.kind === 'array' && opts.tools && arrays.has(node)) {
      const names = node.items.map((t) => toolNodeName(t) ?? '');
      return names.map((_, k) => k).sort((a, b) => compareToolNames(names[a]!, names[b]!, opts.caseSensitive === true) || a - b);
    }
    return keyed.get(node);
  });
  const out = text.slice(0, root.start) + body + text.slice(root.end);
  return out === text ? undefined : out;
}
