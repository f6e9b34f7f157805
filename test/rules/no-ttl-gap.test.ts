// Session rule: emitted by the log analyzer when consecutive requests are further apart than the TTL.
import { describe, expect, it } from 'vitest';
import { analyzeBodies, body, codes } from '../helpers/log-case.js';

describe('no-ttl-gap (KV305)', () => {
  it('valid: the next request comes within the 5-minute TTL', async () => {
    expect(codes(await analyzeBodies([body(), body()], 60))).not.toContain('KV305');
  });
  it('invalid: an identical prefix after 10 minutes has expired', async () => {
    const a = await analyzeBodies([body(), body()], 600);
    expect(codes(a)).toContain('KV305');
    expect(a.lineages[0]?.requests[1]?.divergence?.cause).toBe('ttl-gap');
  });
});
