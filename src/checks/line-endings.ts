// CRLF and lone CR in rendered text: a checkout with other autocrlf settings, or an editor, turns them
// into LF and every deployment caches a different prefix.
import { defineCheck } from '../engine/rule.js';
import { allExact, exactEdit } from './fixes.js';

export const lineEndings = defineCheck({
  name: 'line-endings',
  scopes: ['template'],
  options: {},
  messageIds: { crlf: ['count'], mixed: ['crlf', 'lf'] },
  run(subject, _o, ctx) {
    const { doc } = subject;
    for (const i of subject.selected) {
      const seg = doc.segments[i];
      if (!seg) continue;
      const breaks = [...seg.text.matchAll(/\r\n?|\n/g)];
      const cr = breaks.filter((m) => m[0] !== '\n');
      const first = cr[0];
      if (!first) continue;
      const lf = breaks.length - cr.length;
      const fix = allExact(cr.map((m) => exactEdit(doc.file, seg, m.index, m.index + m[0].length, '\n')));
      ctx.report({
        messageId: lf > 0 ? 'mixed' : 'crlf',
        data: lf > 0 ? { crlf: cr.length, lf } : { count: cr.length },
        at: { segment: i, start: first.index, end: first.index + first[0].length },
        evidence: `line ending ${first[0] === '\r' ? 'CR' : 'CRLF'}`,
        ...(fix ? { fix } : {}),
      });
    }
  },
});
