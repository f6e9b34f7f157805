// Two tools with one name: providers reject the request or keep one of them, whichever comes first in
// an order that may change.
import { defineCheck } from '../engine/rule.js';
import { toolGroups, toolName, toolNameRange } from './tools.js';

export const toolDuplicates = defineCheck({
  name: 'tool-duplicates',
  scopes: ['template'],
  options: {},
  messageIds: { duplicate: ['name', 'first'] },
  run(subject, _o, ctx) {
    for (const group of toolGroups(subject.doc, subject.selected)) {
      const seen = new Map<string, number>();
      for (const i of group) {
        const seg = subject.doc.segments[i];
        const name = seg && toolName(seg);
        if (!seg || !name) continue;
        const before = seen.get(name);
        if (before === undefined) {
          seen.set(name, i);
          continue;
        }
        ctx.report({
          messageId: 'duplicate',
          data: { name, first: subject.doc.segments[before]?.label ?? `segment ${before}` },
          at: { segment: i, ...toolNameRange(seg) },
          evidence: name,
        });
      }
    }
  },
});
