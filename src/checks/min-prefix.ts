// A cacheable region shorter than the model's minimum: providers silently skip caching it.
import { defineCheck } from '../engine/rule.js';

export const minPrefix = defineCheck({
  name: 'min-prefix',
  scopes: ['template'],
  options: {
    minTokens: { type: 'number', default: 0, min: 0, doc: "the minimum to compare against; 0 uses the chosen model's minimum from the price data" },
  },
  // tooShort: the prompt asks for caching (a breakpoint, or automatic caching), so its writes are wasted;
  // unmarked: an automatic prefix cache would skip it, which costs nothing extra
  messageIds: { tooShort: ['tokens', 'minimum', 'model', 'source'], unmarked: ['tokens', 'minimum', 'model', 'source'] },
  run(subject, o, ctx) {
    const { doc, layout } = subject;
    // A tools file is only the head of a prompt: the system prompt that follows it counts too.
    if (doc.kind === 'tools') return;
    const min = o.minTokens > 0 ? o.minTokens : ctx.minCacheable?.tokens;
    if (!min) return;
    const source = o.minTokens > 0 ? 'rule option minTokens' : `price row ${ctx.minCacheable?.model ?? 'unknown'}, as of ${ctx.minCacheable?.asOf ?? 'unknown'}`;
    const model = o.minTokens > 0 ? 'the configured minimum' : (ctx.minCacheable?.model ?? 'the model');
    const approx = layout.approx ? '≈' : '';
    for (const g of layout.groups) {
      if (g.regionCount === 0 || g.regionTokens === 0 || g.regionTokens >= min) continue;
      const lastIndex = g.indices[g.regionCount - 1] as number;
      const seg = doc.segments[lastIndex];
      if (!seg) continue;
      const end = seg.text.length;
      ctx.report({
        messageId: g.regionKind === 'static' ? 'unmarked' : 'tooShort',
        data: { tokens: `${approx}${g.regionTokens.toLocaleString('en-US')}`, minimum: min.toLocaleString('en-US'), model, source },
        at: { segment: lastIndex, start: Math.max(0, end - 1), end },
        evidence: seg.label,
      });
    }
  },
});
