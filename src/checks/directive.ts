// Metadata for the directive pass (inline kvlint-disable comments): that pass emits the findings;
// in template linting the check does nothing.
import { defineCheck } from '../engine/rule.js';

export const directive = defineCheck({
  name: 'directive',
  scopes: ['template'],
  options: {},
  messageIds: { unused: ['directive'], missingReason: ['directive'] },
  run() {},
});
