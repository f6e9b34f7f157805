// Cache breakpoints (cache_control, cachePoint): where they sit among the tools and how many there are.
import { defineCheck } from '../engine/rule.js';
import { toolName } from './tools.js';

export const breakpoints = defineCheck({
  name: 'breakpoints',
  scopes: ['template'],
  options: {
    lastTool: { type: 'boolean', default: false, doc: 'report a marker on a tool when no later tool, system block or message carries one' },
    max: { type: 'number', default: 0, min: 0, doc: 'report markers beyond this many per request (0: do not count)' },
  },
  messageIds: { notLastTool: ['name', 'position', 'count', 'after'], tooMany: ['count', 'max'] },
  emits: (o) => [...(o.lastTool ? ['notLastTool'] : []), ...(o.max > 0 ? ['tooMany'] : [])],
  validate: (o) => (!o.lastTool && o.max === 0 ? "set 'lastTool: true' or a 'max' above 0: the check would never report" : undefined),
  run(subject, o, ctx) {
    const { doc, layout } = subject;
    const selected = new Set(subject.selected);
    for (const g of layout.groups) {
      const marked = g.indices.filter((i) => doc.segments[i]?.cacheMarker);
      if (o.lastTool) {
        const tools = g.indices.filter((i) => doc.segments[i]?.level === 'tools');
        const lastMarkedTool = [...tools].reverse().find((i) => doc.segments[i]?.cacheMarker);
        const pos = lastMarkedTool === undefined ? -1 : tools.indexOf(lastMarkedTool);
        // A later breakpoint (on the system prompt or a message) covers the remaining tools anyway.
        const laterMarker = lastMarkedTool !== undefined && marked.some((i) => i > lastMarkedTool && doc.segments[i]?.level !== 'tools');
        if (lastMarkedTool !== undefined && pos < tools.length - 1 && !laterMarker && selected.has(lastMarkedTool)) {
          const seg = doc.segments[lastMarkedTool];
          const after = tools.slice(pos + 1).reduce((n, i) => n + (layout.segments[i]?.tokens ?? 0), 0);
          const approx = layout.approx ? '≈' : '';
          if (seg) {
            ctx.report({
              messageId: 'notLastTool',
              data: {
                name: toolName(seg) ?? seg.label,
                position: `${pos + 1} of ${tools.length}`,
                count: tools.length - pos - 1,
                after: `${approx}${after.toLocaleString('en-US')}`,
              },
              at: { segment: lastMarkedTool, start: 0, end: seg.text.length },
              evidence: seg.label,
            });
          }
        }
      }
      if (o.max > 0 && marked.length > o.max) {
        const extra = marked[o.max] as number;
        const seg = doc.segments[extra];
        if (seg && selected.has(extra)) {
          ctx.report({
            messageId: 'tooMany',
            data: { count: marked.length, max: o.max },
            at: { segment: extra, start: 0, end: seg.text.length },
            evidence: seg.label,
          });
        }
      }
    }
  },
});
