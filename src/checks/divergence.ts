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

// Which rule reports each cause is decided in one place: CAUSE_RULES in src/prefix/diff.ts. A test keeps
// it, this list, the session rules' `with.cause` and the rule codes in rules/*.yaml in agreement.
