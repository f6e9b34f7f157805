// Key order that differs between tools, or between the schemas of one file. Providers and chat templates
// serialize tool JSON in the order given, so a producer whose key order is not fixed (a dict built in a
// different order, a serializer that sorts only sometimes) changes the bytes of an unchanged tool.
import { defineCheck } from '../engine/rule.js';
import { isJsonPath, locateJsonPath } from './tools.js';

type Path = Array<string | number>;

/** Keys whose value is a JSON Schema. */
const SCHEMA_ROOTS = new Set(['parameters', 'input_schema', 'inputSchema', 'outputSchema', 'output_schema', 'response', 'schema']);
/** Schema keys whose value maps names to schemas: its own key order is the author's property order. */
const SCHEMA_MAPS = new Set(['properties', '$defs', 'definitions', 'patternProperties', 'dependentSchemas']);
const SCHEMA_CHILDREN = new Set(['items', 'additionalProperties', 'not', 'contains', 'if', 'then', 'else', 'propertyNames', 'additionalItems']);
const SCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface Seen {
  segment: number;
  label: string;
}

interface ObjectVisit {
  role: string;
  path: Path;
  keys: string[];
}

/** Every object of a tool definition with the role it plays (tool, function wrapper, schema, …). */
function visitObjects(value: unknown, role: string, path: Path, out: ObjectVisit[]): void {
  if (Array.isArray(value)) {
    value.forEach((v, k) => visitObjects(v, role, [...path, k], out));
    return;
  }
  if (!isRecord(value)) return;
  out.push({ role, path, keys: Object.keys(value) });
  for (const [key, child] of Object.entries(value)) {
    const at = [...path, key];
    if (role === 'schema') {
      if (SCHEMA_MAPS.has(key) && isRecord(child)) for (const [name, sub] of Object.entries(child)) visitObjects(sub, 'schema', [...at, name], out);
      else if (SCHEMA_CHILDREN.has(key) || SCHEMA_LISTS.has(key)) visitObjects(child, 'schema', at, out);
      // enum, default, examples, const: data, not structure
    } else if (SCHEMA_ROOTS.has(key)) visitObjects(child, 'schema', at, out);
    else if (key === 'function' || key === 'toolSpec') visitObjects(child, key, at, out);
    else visitObjects(child, `${role}.${key}`, at, out);
  }
}

/** A segment's label with its group (`line 14`) when the file holds several records. */
function groupLabel(seg: { label: string; group?: string }): string {
  return seg.group ? `${seg.label} (${seg.group})` : seg.label;
}

function describe(label: string, path: Path): string {
  const p = path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('');
  return p ? `${label} ${p.slice(p.startsWith('.') ? 1 : 0)}` : label;
}

export const keyOrder = defineCheck({
  name: 'key-order',
  scopes: ['template'],
  options: {},
  messageIds: { drift: ['first', 'second', 'where', 'reference'] },
  run(subject, _o, ctx) {
    const { doc } = subject;
    if (doc.keyOrderUnknown) return;
    // role → "a\u0000b" (a seen before b) → where that order was first seen
    const orders = new Map<string, Map<string, Seen & { path: Path }>>();
    for (const i of subject.selected) {
      const seg = doc.segments[i];
      if (!seg || seg.level !== 'tools' || !isRecord(seg.value)) continue;
      const visits: ObjectVisit[] = [];
      visitObjects(seg.value, 'tool', [], visits);
      let reported = false;
      for (const v of visits) {
        let known = orders.get(v.role);
        if (!known) orders.set(v.role, (known = new Map()));
        for (let a = 0; a < v.keys.length; a++) {
          for (let b = a + 1; b < v.keys.length; b++) {
            const ka = v.keys[a] as string;
            const kb = v.keys[b] as string;
            const reverse = known.get(`${kb}\u0000${ka}`);
            if (reverse) {
              // One finding per tool: the first drift names the pair; fixing it usually fixes the rest.
              if (!reported) {
                reported = true;
                const off = locateJsonPath(seg.text, [...v.path, ka]);
                ctx.report({
                  messageId: 'drift',
                  data: {
                    first: ka,
                    second: kb,
                    where: describe(groupLabel(seg), v.path),
                    reference: describe(reverse.label, reverse.path),
                  },
                  at: { segment: i, start: off ?? 0, end: off === undefined ? Math.min(1, seg.text.length) : off + ka.length + 2 },
                  evidence: `${ka} … ${kb}`,
                  // --fix rewrites a JSON file's keys in one order per role (src/fix/sort-tools.ts)
                  ...(isJsonPath(subject.doc.file.path) ? { structuralFix: true } : {}),
                });
              }
            } else if (!known.has(`${ka}\u0000${kb}`)) {
              known.set(`${ka}\u0000${kb}`, { segment: i, label: groupLabel(seg), path: v.path });
            }
          }
        }
      }
    }
  },
});
