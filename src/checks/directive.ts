// The directive check: a kvlint-disable comment in a template without a `-- reason` is reported where it
// is written. Whether a directive suppressed anything is known only once every other rule has run: the
// suppression pass (src/suppress/directives.ts, called from src/run.ts) reports those as `unused`.
import { defineCheck } from '../engine/rule.js';
import { parseDirectives } from '../suppress/directives.js';

/** Offset in `text` of a 1-based line and column. */
function offsetOf(text: string, line: number, column: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', at);
    if (nl === -1) return text.length;
    at = nl + 1;
  }
  return Math.min(text.length, at + column - 1);
}

export const directive = defineCheck({
  name: 'directive',
  scopes: ['template'],
  options: {},
  messageIds: { unused: ['directive'], missingReason: ['directive'] },
  emits: () => ['unused', 'missingReason'],
  run(subject, _o, ctx) {
    const { doc } = subject;
    for (const d of parseDirectives(doc.file.text, doc.syntax)) {
      if (d.kind === 'enable' || d.reason !== undefined) continue;
      ctx.report({
        messageId: 'missingReason',
        data: { directive: d.text },
        at: { file: true, start: offsetOf(doc.file.text, d.line, d.column), end: offsetOf(doc.file.text, d.endLine, d.endColumn) },
        evidence: d.text,
      });
    }
  },
});
