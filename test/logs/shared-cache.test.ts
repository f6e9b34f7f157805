// One prefix cache for all traffic: each request is compared with its nearest prior (any session), the
// replay shares one cache per scope, and fixes are priced across users. Small hand-written logs, each the
// shape a real app sends.
import { describe, expect, it } from 'vitest';
import { anthropicBody, policyText, runLog, type LoggedRequest } from '../helpers/shared-log.js';
import type { Diagnostic } from '../../src/model.js';

const SYSTEM = policyText(4400); // ≈5,700 tokens
const users = (n: number) => Array.from({ length: n }, (_, i) => `user-${i + 1}@example.com`);
const codes = (ds: readonly Diagnostic[]): string[] => ds.map((d) => d.code);

describe('multi-user traffic shares one cache', () => {
  it('20 users with the same system prompt: 19 read it from the cache', async () => {
    const reqs: LoggedRequest[] = users(20).map((u, i) => ({ body: anthropicBody({ system: SYSTEM, messages: [`Question ${i}: where is order ${1000 + i}?`], user: u }) }));
    const { analysis, projection } = await runLog(reqs);
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.lineages.length).toBe(20);
    const rows = [...projection!.requests];
    const hits = rows.filter((r) => r.now.read > 5000).length;
    expect(hits).toBe(19);
    expect(rows[0]!.now.read).toBe(0);
    expect(projection!.total.now.readTokens).toBeGreaterThan(19 * 5000);
  });

  it('a timestamp at the top of the shared system prompt: one KV101 error for all users, and fixing it saves most of the cost', async () => {
    const reqs: LoggedRequest[] = users(20).map((u, i) => ({
      body: anthropicBody({ system: `Current time: 2026-11-02T09:${String(i).padStart(2, '0')}:17Z\n${SYSTEM}`, messages: [`Question ${i}`], user: u }),
    }));
    const { analysis, projection } = await runLog(reqs);
    expect(codes(analysis.diagnostics)).toEqual(['KV101']);
    const d = analysis.diagnostics[0]!;
    expect(d.severity).toBe('error');
    expect(d.affected).toEqual({ requests: 19, sessions: 19 });
    expect(d.occurrences).toHaveLength(19);
    expect(d.message).toMatch(/19 requests in 19 sessions/);
    expect(projection!.total.now.readTokens).toBe(0);
    expect(projection!.total.savings.pct).toBeGreaterThan(60);
    expect(projection!.total.fixed.hits).toBe(19);
    expect(d.savedMicro).toBeGreaterThan(0);
  });

  it('one line of output per finding, not per request', async () => {
    const reqs: LoggedRequest[] = Array.from({ length: 200 }, (_, i) => ({
      body: anthropicBody({ system: `Request id: req_${(1e12 + i * 7919).toString(36)}x9\n${SYSTEM.slice(0, 2000)}`, messages: ['Hi'], user: `u${i}` }),
    }));
    const { analysis } = await runLog(reqs);
    expect(analysis.diagnostics).toHaveLength(1);
    expect(analysis.diagnostics[0]!.code).toBe('KV103');
    expect(analysis.diagnostics[0]!.affected?.requests).toBe(199);
  });
});

describe('stateless requests are compared across sessions', () => {
  const base = policyText(900);
  it('a trace id line that differs per request: KV103, with no session ids', async () => {
    const reqs: LoggedRequest[] = ['trace_a81f2c9d77e1', 'trace_0bd4e5f6a7b8', 'trace_93ce1d2f4a6b'].map((t, i) => ({
      body: anthropicBody({ system: `Trace: ${t}\n${base}`, messages: [`Ticket ${i}`] }),
    }));
    const { analysis } = await runLog(reqs);
    expect(codes(analysis.diagnostics)).toEqual(['KV103']);
    expect(analysis.diagnostics[0]!.affected?.requests).toBe(2);
  });

  it('a customer e-mail in the shared system prompt: KV104', async () => {
    const reqs: LoggedRequest[] = ['dana.lee@gmail.com', 'omar.k@outlook.com', 'li.wei@yahoo.com'].map((e, i) => ({
      body: anthropicBody({ system: `You are helping the customer ${e}.\n${base}`, messages: [`Ticket ${i}`] }),
    }));
    const { analysis } = await runLog(reqs);
    expect(codes(analysis.diagnostics)).toEqual(['KV104']);
  });

  it('a value that never differs is not a breaker: a knowledge cutoff date repeated in every request', async () => {
    const reqs: LoggedRequest[] = [0, 1, 2, 3].map((i) => ({ body: anthropicBody({ system: `Knowledge cutoff: 2024-06-01. Today is a good day.\n${base}`, messages: [`Q${i}`], user: `u${i}` }) }));
    const { analysis } = await runLog(reqs);
    expect(analysis.diagnostics).toEqual([]);
  });

  it('a date in one request only, and a new final user turn with a date, UUID or e-mail, is not a break', async () => {
    const reqs: LoggedRequest[] = [
      'What happened on 2026-11-01T08:00:00Z?',
      'Order 3f2b8c1e-9d4a-4b7e-a1c2-0e9f8d7c6b5a is late',
      'Please reply to jo.smith@gmail.com',
    ].map((q, i) => ({ body: anthropicBody({ system: base, messages: [q], user: `u${i}` }) }));
    const { analysis } = await runLog(reqs);
    expect(analysis.diagnostics).toEqual([]);
    // within one conversation too: the new turn is appended
    const conv: LoggedRequest[] = [
      { body: anthropicBody({ system: base, messages: ['Hi'], user: 's' }) },
      { body: anthropicBody({ system: base, messages: ['Hi', 'Hello!', 'Meet me on 2026-12-01T10:00:00Z, id 3f2b8c1e-9d4a-4b7e-a1c2-0e9f8d7c6b5a'], user: 's' }) },
    ];
    expect((await runLog(conv)).analysis.diagnostics).toEqual([]);
  });
});

describe('each change has its own code', () => {
  const base = policyText(600);
  it('NFC vs NFD of the same text is KV405', async () => {
    const word = 'Café Münster';
    const reqs: LoggedRequest[] = [word.normalize('NFC'), word.normalize('NFD'), word.normalize('NFC')].map((w, i) => ({
      body: anthropicBody({ system: `Store: ${w}\n${base}`, messages: ['Hi'], user: 'same-session' }),
      at: i * 10,
    }));
    const { analysis } = await runLog(reqs);
    expect(codes(analysis.diagnostics)).toEqual(['KV405']);
  });

  it('rotating few-shot examples are KV203', async () => {
    const ex = ['Example: Q: 2+2? A: 4', 'Example: Q: capital of France? A: Paris', 'Example: Q: 3*3? A: 9', 'Example: Q: opposite of hot? A: cold'];
    const rot = (k: number) => [...ex.slice(k), ...ex.slice(0, k)].join('\n\n');
    const reqs: LoggedRequest[] = [0, 1, 2].map((k) => ({ body: anthropicBody({ system: `Answer briefly.\n\n${rot(k)}\n\n${base}`, messages: ['Q: 5+5?'], user: 's' }) }));
    const { analysis } = await runLog(reqs);
    expect(codes(analysis.diagnostics)).toEqual(['KV203']);
  });

  it('a summarized history in the same session is KV110', async () => {
    const long = ['Where is order 1?', 'It shipped.', 'And order 2?', 'Also shipped.', 'And order 3?', 'Pending.', 'Thanks'];
    const reqs: LoggedRequest[] = [
      { body: anthropicBody({ system: base, messages: long, user: 's' }) },
      { body: anthropicBody({ system: base, messages: ['Summary of the conversation so far: the user asked about orders 1-3.', 'Noted.', 'What about order 4?'], user: 's' }) },
    ];
    const { analysis } = await runLog(reqs);
    expect(codes(analysis.diagnostics)).toEqual(['KV110']);
  });

  it('a TTL gap at a request that also has a content break is reported too', async () => {
    const reqs: LoggedRequest[] = [
      { body: anthropicBody({ system: `Current time: 2026-11-02T09:00:00Z\n${base}`, messages: ['Hi'], user: 's' }), at: 0 },
      { body: anthropicBody({ system: `Current time: 2026-11-02T09:20:00Z\n${base}`, messages: ['Hi'], user: 's' }), at: 1200 },
    ];
    const { analysis } = await runLog(reqs);
    expect(codes(analysis.diagnostics).sort()).toEqual(['KV101', 'KV305']);
  });
});

describe('the nearest prior is the earlier request sharing the most, in any session', () => {
  it('is found in another session and shown where it is not the previous request of the lineage', async () => {
    const base = policyText(300);
    const reqs: LoggedRequest[] = [
      { body: anthropicBody({ system: base, messages: ['Please summarize the refund policy for enterprise customers in three bullet points.'], user: 'a' }) },
      { body: anthropicBody({ system: base, messages: ['What time is it?'], user: 'b' }) },
      // shares more of the first message with session a's request than with its own previous one
      { body: anthropicBody({ system: base, messages: ['Please summarize the refund policy for enterprise customers in two sentences.'], user: 'b' }) },
    ];
    const { analysis } = await runLog(reqs);
    const b = analysis.lineages.find((l) => l.lineage.includes('b') || l.requests.length === 2)!;
    const third = [...b.requests][1]!;
    expect(third.prior?.lineage).toBe(analysis.lineages.find((l) => l !== b)!.lineage);
    const second = [...b.requests][0]!;
    expect(third.reusedTokens).toBeGreaterThan(second.reusedTokens + 5);
  });
});

describe('engines keep one pool for all traffic and never forget without a budget', () => {
  const tenantSystem = (t: number) => `${policyText(120, `Tenant${t}`)}`;
  const interleaved = (tenants: number, turns: number): LoggedRequest[] => {
    const out: LoggedRequest[] = [];
    for (let turn = 0; turn < turns; turn++) {
      for (let t = 0; t < tenants; t++) {
        const msgs: string[] = [];
        for (let k = 0; k <= turn; k++) msgs.push(`Tenant ${t} question ${k}`, `Answer ${k}`);
        msgs.pop();
        out.push({ body: anthropicBody({ system: tenantSystem(t), messages: msgs, user: `tenant-${t}` }) });
      }
    }
    return out;
  };

  it('100 interleaved tenants: an unbounded vLLM pool still hits', async () => {
    const { projection } = await runLog(interleaved(100, 3), { engine: 'vllm' });
    const t = projection!.total.now;
    expect(t.requests).toBe(300);
    // every request after a tenant's first reads its tenant's prefix
    expect(t.hits).toBeGreaterThanOrEqual(200);
  });

  it('two sessions sharing 40 words of a message read them through vllm and sglang', async () => {
    const shared = 'I would like to know how the refund process works for orders that were shipped internationally and arrived damaged, and what documents I need to provide to the support team';
    const reqs: LoggedRequest[] = [
      { body: anthropicBody({ system: 'Be brief.', messages: [`${shared} in Canada.`], user: 'a', cache: false }) },
      { body: anthropicBody({ system: 'Be brief.', messages: [`${shared} in Mexico.`], user: 'b', cache: false }) },
    ];
    for (const engine of ['vllm', 'sglang'] as const) {
      const { projection } = await runLog(reqs, { engine });
      const second = [...projection!.requests][1]!;
      expect(second.now.read, engine).toBeGreaterThan(32);
    }
  });
});
