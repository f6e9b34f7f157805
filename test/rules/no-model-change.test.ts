// Session rule: emitted by the log analyzer when a lineage switches model (caches are per model).
import { describe, expect, it } from 'vitest';
import { analyzeBodies, body, codes } from '../helpers/log-case.js';

describe('no-model-change (KV109)', () => {
  it('valid: one model throughout the session', async () => {
    expect(codes(await analyzeBodies([body(), body()]))).not.toContain('KV109');
  });
  it('invalid: the session moves to another model', async () => {
    const a = await analyzeBodies([body(), body({ model: 'claude-haiku-4-5' })]);
    expect(codes(a)).toContain('KV109');
    expect(a.lineages[0]?.requests[1]?.divergence?.cause).toBe('model-change');
  });
});
