// The pair check: two logged requests that would share a cached prefix differ, and the pair pass
// (src/engine/pair.ts) has classified why. A rule reports the pairs whose cause is its own `cause`.
import { defineCheck } from '../engine/rule.js';

/** Causes a divergence between two logged requests is classified into (src/prefix/diff.ts). */
export const DIVERGENCE_CAUSES = [
  'environment',
  'few-shot',
  'history-rewrite',
  'identifier',
  'key-order',
  'line-endings',
  'model-change',
  'system-edit',
  'timestamp',
  'tool-reorder',
  'tool-set-change',
  'ttl-gap',
  'unicode-normalization',
  'user-data',
  'whitespace',
] as const;

/** Data every pair message may use: where, what it cost, how many requests and sessions, the change. */
export const PAIR_MESSAGE_KEYS = ['place', 'lost', 'affected', 'detail'] as const;

export const divergence = defineCheck({
  name: 'divergence',
  scopes: ['session'],
  options: {},
  messageIds: { diverged: PAIR_MESSAGE_KEYS },
  pair(subject, _o, ctx) {
    if (ctx.cause === undefined || subject.divergence.cause !== ctx.cause) return;
    ctx.report({ messageId: 'diverged', data: { detail: subject.divergence.excerpt } });
  },
});
