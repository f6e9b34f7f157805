// Session rule: emitted by the log analyzer when the tool definitions change between requests.
import { describe, expect, it } from 'vitest';
import { analyzeBodies, body, codes } from '../helpers/log-case.js';

describe('no-tool-set-change (KV107)', () => {
  it('valid: the same tools on every request', async () => {
    const a = await analyzeBodies([body(), body({ messages: ['Where is my order?', 'It shipped.', 'When will it arrive?'] })]);
    expect(codes(a)).not.toContain('KV107');
  });
  it('invalid: a tool is added mid-session, breaking the prefix at the tools', async () => {
    const a = await analyzeBodies([body(), body({ tools: ['lookup_order', 'refund_order'] })]);
    const d = a.diagnostics.find((x) => x.code === 'KV107');
    expect(d?.ruleId).toBe('no-tool-set-change');
    expect(d?.segment).toMatch(/^tools\[1\]/);
    expect(a.lineages[0]?.requests[1]?.divergence?.cause).toBe('tool-set-change');
  });
});
