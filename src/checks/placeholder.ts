// Template holes whose expression names something that varies per request (a clock, an id, a user, the
// environment). Matching runs on the expression's words (see exprWords), not on its spelling.
import type { Placeholder } from '../model.js';
import { defineCheck } from '../engine/rule.js';
import type { CheckContext, TemplateSubject } from '../engine/rule.js';
import { exprWords, holeTag, segmentHoles } from './holes.js';
import { anyMatch } from './regex.js';

export const PLACEHOLDER_KINDS = ['variable', 'block', 'include', 'partial'] as const;

/**
 * Reports holes of the selected segments whose expression words match one of `patterns` (and none of
 * `exclude`), with messageId `messageId`. Shared by `placeholder` and `existence`.
 */
export function reportHoles(
  subject: TemplateSubject,
  ctx: CheckContext,
  opts: { patterns: readonly string[]; exclude: readonly string[]; kinds: readonly string[]; messageId: string },
): void {
  if (opts.patterns.length === 0) return;
  for (const i of subject.selected) {
    const seg = subject.doc.segments[i];
    if (!seg) continue;
    for (const h of segmentHoles(subject.doc, seg)) {
      if (!matchesHole(h, opts)) continue;
      const tag = holeTag(seg, h);
      ctx.report({ messageId: opts.messageId, data: { tag, expr: h.expr }, at: { segment: i, start: h.start, end: h.end }, evidence: tag });
    }
  }
}

function matchesHole(h: Placeholder, opts: { patterns: readonly string[]; exclude: readonly string[]; kinds: readonly string[] }): boolean {
  if (!opts.kinds.includes(h.kind)) return false;
  const words = exprWords(h.expr);
  if (!words) return false;
  return anyMatch(opts.patterns, words, true) && !anyMatch(opts.exclude, words, true);
}

export const placeholder = defineCheck({
  name: 'placeholder',
  scopes: ['template'],
  options: {
    patterns: { type: 'regexes', default: [], doc: 'regexes over the expression as lower-case words joined by spaces (`currentDateTime` → `current date time`)' },
    exclude: { type: 'regexes', default: [], doc: 'expressions matching any of these are not reported' },
    kinds: { type: 'strings', default: ['variable', 'block'], doc: 'placeholder kinds to look at: variable, block, include, partial' },
  },
  messageIds: { placeholder: ['tag', 'expr'] },
  validate: (o) =>
    o.patterns.length === 0
      ? "option 'patterns' must list at least one pattern"
      : o.kinds.find((k) => !(PLACEHOLDER_KINDS as readonly string[]).includes(k))
        ? `option 'kinds' accepts only: ${PLACEHOLDER_KINDS.join(', ')}`
        : undefined,
  run(subject, o, ctx) {
    reportHoles(subject, ctx, { patterns: o.patterns, exclude: o.exclude, kinds: o.kinds, messageId: 'placeholder' });
  },
});
