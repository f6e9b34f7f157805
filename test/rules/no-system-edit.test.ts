// Session rule: emitted by the log analyzer when the system prompt changes for no classified reason.
import { describe, expect, it } from 'vitest';
import { analyzeBodies, body, codes } from '../helpers/log-case.js';

describe('no-system-edit (KV108)', () => {
  it('valid: the system prompt is the same on every request', async () => {
    expect(codes(await analyzeBodies([body(), body()]))).not.toContain('KV108');
  });
  it('invalid: the instructions are edited between requests', async () => {
    const a = await analyzeBodies([body(), body({ system: 'You are a support agent for Acme. Answer briefly from the policy and cite it.' })]);
    expect(codes(a)).toContain('KV108');
    expect(a.lineages[0]?.requests[1]?.divergence?.cause).toBe('system-edit');
  });
});
