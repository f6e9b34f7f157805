// Spaces and tabs at line ends: editors and formatters strip them on save, silently changing the prefix.
import { defineCheck } from '../engine/rule.js';
import { exactEdit } from './fixes.js';
import { overlapsHole, segmentHoles } from './holes.js';

export const trailingWhitespace = defineCheck({
  name: 'trailing-whitespace',
  scopes: ['template'],
  options: {
    skipBlankLines: { type: 'boolean', default: false, doc: 'ignore lines that hold only whitespace' },
  },
  messageIds: { trailing: ['count'] },
  run(subject, o, ctx) {
    const { doc } = subject;
    for (const i of subject.selected) {
      const seg = doc.segments[i];
      if (!seg) continue;
      const holes = segmentHoles(doc, seg);
      // [ \t\u00A0] before a line break or the end of the text; `$` with the m flag stops before \r too.
      for (const m of seg.text.matchAll(/[ \t]+(?=\r?\n|\r|$)/g)) {
        const start = m.index;
        const end = start + m[0].length;
        if (overlapsHole(holes, start, end)) continue;
        const lineStart = Math.max(seg.text.lastIndexOf('\n', start - 1), seg.text.lastIndexOf('\r', start - 1)) + 1;
        if (o.skipBlankLines && lineStart === start) continue;
        const edit = exactEdit(doc.file, seg, start, end, '');
        ctx.report({
          messageId: 'trailing',
          data: { count: m[0].length },
          at: { segment: i, start, end },
          evidence: m[0],
          ...(edit ? { fix: [edit] } : {}),
        });
      }
    }
  },
});
