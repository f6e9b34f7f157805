// The first template variable of each group that sits ahead of static text in the cacheable region:
// everything cached after it is recomputed whenever its value changes.
import { defineCheck } from '../engine/rule.js';
import { holeTag, isRouteTemplate, PLAIN_SYNTAXES } from './holes.js';
import { PLACEHOLDER_KINDS } from './placeholder.js';

export const volatileBeforeStable = defineCheck({
  name: 'volatile-before-stable',
  scopes: ['template'],
  options: {
    kinds: { type: 'strings', default: ['variable', 'block'], doc: 'placeholder kinds that count as volatile (includes and partials are fixed at deploy time)' },
  },
  // beforeStable: a hole the template syntax declares; plainText: `{name}` or `${x}` found in plain text or
  // Markdown, a hole only if the text is used as a format string or template literal
  messageIds: { beforeStable: ['tag', 'expr', 'more'], plainText: ['tag', 'expr', 'more'] },
  validate: (o) =>
    o.kinds.find((k) => !(PLACEHOLDER_KINDS as readonly string[]).includes(k))
      ? `option 'kinds' accepts only: ${PLACEHOLDER_KINDS.join(', ')}`
      : undefined,
  run(subject, o, ctx) {
    const { doc, layout } = subject;
    const selected = new Set(subject.selected);
    for (const g of layout.groups) {
      const region = g.indices.slice(0, g.regionCount);
      // Holes the parser declared (never a guess: a false "variable" here would flag static prompts).
      const holes = region.flatMap((i) =>
        selected.has(i)
          ? (doc.segments[i]?.placeholders ?? []).filter((h) => o.kinds.includes(h.kind) && !isRouteTemplate(doc.segments[i]!, h)).map((h) => ({ i, h }))
          : [],
      );
      const first = holes.find(({ i, h }) => staticTextFollows(doc.segments, region, i, h.end));
      if (!first) continue;
      const seg = doc.segments[first.i];
      if (!seg) continue;
      const more = holes.length - holes.indexOf(first) - 1;
      const tag = holeTag(seg, first.h);
      ctx.report({
        messageId: PLAIN_SYNTAXES.has(doc.syntax) ? 'plainText' : 'beforeStable',
        data: { tag, expr: first.h.expr, more: more > 0 ? ` (${more} more template value${more === 1 ? '' : 's'} follow it)` : '' },
        at: { segment: first.i, start: first.h.start, end: first.h.end },
        evidence: tag,
      });
    }
  },
});

/** True when non-blank text outside holes follows `end` in segment `segIndex` or in a later region segment. */
function staticTextFollows(
  segments: ReadonlyArray<{ text: string; placeholders?: ReadonlyArray<{ start: number; end: number }> }>,
  region: readonly number[],
  segIndex: number,
  end: number,
): boolean {
  const pos = region.indexOf(segIndex);
  for (let k = pos; k < region.length; k++) {
    const seg = segments[region[k] as number];
    if (!seg) continue;
    let from = k === pos ? end : 0;
    const holes = [...(seg.placeholders ?? [])].filter((h) => h.end > from).sort((a, b) => a.start - b.start);
    for (const h of holes) {
      if (seg.text.slice(from, Math.max(from, h.start)).trim()) return true;
      from = Math.max(from, h.end);
    }
    if (seg.text.slice(from).trim()) return true;
  }
  return false;
}
