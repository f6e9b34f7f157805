// Loops over mappings or sets in the rendered prompt: their order follows insertion or hashing, which
// differs between processes, configs and library versions.
import type { Placeholder } from '../model.js';
import { defineCheck } from '../engine/rule.js';
import { holeTag, segmentHoles } from './holes.js';
import { anyMatch } from './regex.js';

/** Handlebars/mustache sections: `#each x` opens, `/each` closes; `@key` inside means x is an object. */
const EACH_OPEN = /^#each\s+(.+)$/;

export const unorderedIteration = defineCheck({
  name: 'unordered-iteration',
  scopes: ['template'],
  options: {
    patterns: { type: 'regexes', default: [], doc: 'regexes over a block expression that iterate a mapping or set (e.g. `\\.items\\(\\)`)' },
    sortedPatterns: { type: 'regexes', default: [], doc: 'a block expression matching any of these is ordered (e.g. `dictsort`, `sort`)' },
    eachKey: { type: 'boolean', default: true, doc: 'report `{{#each x}}` whose body reads `@key` (x is an object)' },
  },
  messageIds: { unordered: ['tag'] },
  run(subject, o, ctx) {
    const { doc } = subject;
    for (const i of subject.selected) {
      const seg = doc.segments[i];
      if (!seg) continue;
      const holes = segmentHoles(doc, seg);
      holes.forEach((h, k) => {
        if (h.kind !== 'block' && h.kind !== 'variable') return;
        if (anyMatch(o.sortedPatterns, h.expr, true)) return;
        const hit = (o.patterns.length > 0 && anyMatch(o.patterns, h.expr)) || (o.eachKey && EACH_OPEN.test(h.expr) && readsKey(holes, k));
        if (!hit) return;
        const tag = holeTag(seg, h);
        ctx.report({ messageId: 'unordered', data: { tag }, at: { segment: i, start: h.start, end: h.end }, evidence: tag });
      });
    }
  },
});

/** True when the `#each` at `open` has a `@key` reference in its own body (not in a nested each). */
function readsKey(holes: readonly Placeholder[], open: number): boolean {
  let depth = 0;
  for (let k = open + 1; k < holes.length; k++) {
    const expr = (holes[k] as Placeholder).expr;
    if (EACH_OPEN.test(expr)) depth++;
    else if (/^\/each\b/.test(expr)) {
      if (depth === 0) return false;
      depth--;
    } else if (depth === 0 && /(^|[^\w])@key\b/.test(expr)) return true;
  }
  return false;
}
