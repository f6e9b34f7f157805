// Tool arrays sorted by name: an order that comes from registry or dict iteration drifts between
// processes and versions, and every tool after the first moved one leaves the cached prefix.
import { defineCheck } from '../engine/rule.js';
import { isJsonPath, toolGroups, toolName, toolNameRange } from './tools.js';

/** Name order used for tools: case-insensitive, code points breaking ties (so `Bash` and `bash` are stable). */
export function compareToolNames(a: string, b: string, caseSensitive: boolean): number {
  const x = caseSensitive ? a : a.toLowerCase();
  const y = caseSensitive ? b : b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

export const toolOrder = defineCheck({
  name: 'tool-order',
  scopes: ['template'],
  options: {
    caseSensitive: { type: 'boolean', default: false, doc: 'compare names by code point instead of ignoring case' },
  },
  messageIds: { unsorted: ['name', 'previous', 'count'] },
  run(subject, o, ctx) {
    for (const group of toolGroups(subject.doc, subject.selected)) {
      const named = group.flatMap((i) => {
        const seg = subject.doc.segments[i];
        const name = seg && toolName(seg);
        return name ? [{ i, name }] : [];
      });
      let misplaced = 0;
      let first: { i: number; name: string; previous: string } | undefined;
      for (let k = 1; k < named.length; k++) {
        const prev = named[k - 1] as { name: string };
        const cur = named[k] as { i: number; name: string };
        if (compareToolNames(prev.name, cur.name, o.caseSensitive) > 0) {
          misplaced++;
          first ??= { i: cur.i, name: cur.name, previous: prev.name };
        }
      }
      if (!first) continue;
      const seg = subject.doc.segments[first.i];
      if (!seg) continue;
      ctx.report({
        messageId: 'unsorted',
        data: { name: first.name, previous: first.previous, count: named.length },
        at: { segment: first.i, ...toolNameRange(seg) },
        evidence: first.name,
        // --fix sorts the tools of a JSON file (src/fix/sort-tools.ts); other formats are left to the author
        ...(isJsonPath(subject.doc.file.path) ? { structuralFix: true } : {}),
      });
    }
  },
});
