// Metadata for session rules: the log analyzer emits these findings from a prefix divergence of the
// given cause; in template linting the check does nothing.
import { defineCheck } from '../engine/rule.js';

/** Causes the log analyzer classifies a divergence into (its `unknown` cause has no rule). */
export const DIVERGENCE_CAUSES = [
  'history-rewrite',
  'identifier',
  'key-order',
  'model-change',
  'system-edit',
  'timestamp',
  'tool-reorder',
  'tool-set-change',
  'ttl-gap',
  'user-data',
  'whitespace',
] as const;

export const divergence = defineCheck({
  name: 'divergence',
  scopes: ['session'],
  options: {
    cause: { type: 'string', default: '', enum: DIVERGENCE_CAUSES, doc: 'the divergence cause this rule reports' },
  },
  messageIds: { diverged: ['detail'] },
  validate: (o) => (o.cause ? undefined : "option 'cause' is required"),
  run() {},
});

/** The rule that reports a divergence cause in a log (the analyzer emits under this rule's code). */
export const CAUSE_RULES: Readonly<Record<(typeof DIVERGENCE_CAUSES)[number], string>> = {
  'history-rewrite': 'no-history-rewrite',
  identifier: 'no-identifier-in-prefix',
  'key-order': 'no-unstable-key-order',
  'model-change': 'no-model-change',
  'system-edit': 'no-system-edit',
  timestamp: 'no-timestamp-in-prefix',
  'tool-reorder': 'require-sorted-tools',
  'tool-set-change': 'no-tool-set-change',
  'ttl-gap': 'no-ttl-gap',
  'user-data': 'no-user-data-in-prefix',
  whitespace: 'no-trailing-whitespace',
};
