// Session rule: emitted by the log analyzer when earlier messages are edited or dropped (compaction).
import { describe, expect, it } from 'vitest';
import { analyzeBodies, body, codes } from '../helpers/log-case.js';

describe('no-history-rewrite (KV110)', () => {
  it('valid: the conversation only grows (a new first question on the same prompt is a branch, not a rewrite)', async () => {
    const a = await analyzeBodies([body({ messages: ['Hi', 'Hello!', 'Where is my order?'] }), body({ messages: ['Hi', 'Hello!', 'Where is my order?', 'It shipped.', 'Thanks'] })]);
    expect(codes(a)).not.toContain('KV110');
  });
  it('invalid: an earlier turn is replaced by a summary', async () => {
    const a = await analyzeBodies([
      body({ messages: ['Hi', 'Hello! I can look up orders, returns and refunds. What do you need?', 'Where is my order?'] }),
      body({ messages: ['Hi', '[summary] greeted the user', 'Where is my order?', 'It shipped.', 'Thanks'] }),
    ]);
    expect(codes(a)).toContain('KV110');
    expect(a.lineages[0]?.requests[1]?.divergence?.cause).toBe('history-rewrite');
  });
});
