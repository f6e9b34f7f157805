import fc from 'fast-check';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeAnthropic } from '../../src/logs/api/anthropic.js';
import { splitLines } from '../../src/logs/read.js';
import type { KvRequest } from '../../src/model.js';
import { blockChain } from '../../src/prefix/blocks.js';
import { changeExcerpt, comparePrompts, diffInput, diffRequests, type CompareOptions, type DivergenceCause, type PrefixDiff } from '../../src/prefix/diff.js';
import { pairRules } from '../../src/engine/pair.js';
import { loadRules } from '../../src/engine/registry.js';
import { DIVERGENCE_CAUSES } from '../../src/checks/divergence.js';
import { hashSegments } from '../../src/prefix/hash.js';
import { loadTokenizer, type Tokenizer } from '../../src/tokenize/index.js';

let tk: Tokenizer;
beforeAll(async () => {
  tk = await loadTokenizer();
});

const TOOLS = [
  { name: 'alpha', description: 'first', input_schema: { type: 'object', properties: { a: { type: 'string' } } } },
  { name: 'beta', description: 'second', input_schema: { type: 'object' } },
];

function req(body: Record<string, unknown>, time?: number): KvRequest {
  const nb = normalizeAnthropic({ model: 'claude-sonnet-4-5', tools: TOOLS, system: 'You are helpful.', ...body });
  const r: KvRequest = { file: 'f', line: 1, index: 0, format: 't', provider: 'anthropic', api: nb.api, lineage: 'l', lineageSource: 't', segments: nb.segments };
  if (nb.model) r.model = nb.model;
  if (time !== undefined) r.time = time;
  return r;
}
const msgs = (...texts: string[]) => texts.map((t, i) => ({ role: i % 2 ? 'assistant' : 'user', content: t }));
const rules = pairRules(loadRules());
/** the comparison the log analyzer makes: the rules' own patterns classify the change */
const compare = (a: KvRequest, b: KvRequest, o: CompareOptions = {}): PrefixDiff => diffRequests(a, b, tk, { rules, ...o });
const cause = (a: KvRequest, b: KvRequest): DivergenceCause => compare(a, b).cause;

describe('comparePrompts causes', () => {
  it('append-only, identical, branch', () => {
    const a = req({ messages: msgs('hi') });
    expect(cause(a, req({ messages: msgs('hi', 'yo', 'more') }))).toBe('append-only');
    expect(cause(a, req({ messages: msgs('hi') }))).toBe('identical');
    expect(cause(req({ messages: msgs('hi', 'yo', 'q1') }), req({ messages: msgs('hi', 'yo', 'q2') }))).toBe('branch');
  });
  it('history rewrite, system edit, model change', () => {
    expect(cause(req({ messages: msgs('hi', 'yo', 'q1') }), req({ messages: msgs('hi', 'YO!', 'q1', 'a', 'q2') }))).toBe('history-rewrite');
    expect(cause(req({ messages: msgs('hi') }), req({ system: 'You are very helpful.', messages: msgs('hi') }))).toBe('system-edit');
    expect(cause(req({ messages: msgs('hi') }), req({ model: 'claude-opus-4-6', messages: msgs('hi') }))).toBe('model-change');
  });
  it('timestamp, identifier, user data, whitespace and CRLF in the system prompt', () => {
    const base = (s: string) => req({ system: s, messages: msgs('hi') });
    expect(cause(base('Today is 2025-05-21. Be kind.'), base('Today is 2025-05-22. Be kind.'))).toBe('timestamp');
    expect(cause(base('Session 1b4e28ba-2fa1-11d2-883f-0016d3cca427 ok'), base('Session 6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b ok'))).toBe('identifier');
    expect(cause(base('User: ann.lee@gmail.com'), base('User: bob.k@outlook.com'))).toBe('user-data');
    expect(cause(base('Be kind. \nok'), base('Be kind.\nok'))).toBe('whitespace');
    const crlf = compare(base('a\nb'), base('a\r\nb'));
    expect([crlf.cause, crlf.code]).toEqual(['line-endings', 'KV401']);
    expect(compare(base('Café'.normalize('NFC')), base('Café'.normalize('NFD'))).code).toBe('KV405');
    // without the rules nothing is classified as a literal: the patterns are the rules'
    expect(diffRequests(base('Today is 2025-05-21. Be kind.'), base('Today is 2025-05-22. Be kind.'), tk).cause).toBe('system-edit');
  });
  it('tool reorder, tool set change, key order, settings change', () => {
    const a = req({ messages: msgs('hi') });
    expect(cause(a, req({ tools: [TOOLS[1], TOOLS[0]], messages: msgs('hi') }))).toBe('tool-reorder');
    expect(cause(a, req({ tools: [TOOLS[0]], messages: msgs('hi') }))).toBe('tool-set-change');
    const swapped = { input_schema: TOOLS[0]!.input_schema, description: 'first', name: 'alpha' };
    expect(cause(a, req({ tools: [swapped, TOOLS[1]], messages: msgs('hi') }))).toBe('key-order');
    expect(cause(a, req({ tool_choice: { type: 'any' }, messages: msgs('hi') }))).toBe('settings-change');
  });
  it('cache markers are not content', () => {
    const a = req({ messages: [{ role: 'user', content: [{ type: 'text', text: 'long', cache_control: { type: 'ephemeral' } }] }] });
    const b = req({ messages: [{ role: 'user', content: [{ type: 'text', text: 'long' }] }, { role: 'assistant', content: 'x' }, { role: 'user', content: [{ type: 'text', text: 'q', cache_control: { type: 'ephemeral' } }] }] });
    expect(cause(a, b)).toBe('append-only');
  });
  it('ttl gap when the prefix is shared but the gap exceeds the TTL', () => {
    const a = req({ messages: msgs('hi') }, 0);
    const b = req({ messages: msgs('hi', 'yo', 'q') }, 301_000);
    const d = compare(a, b, { ttlSeconds: 300 });
    expect([d.cause, d.code, d.reusableTokens]).toEqual(['ttl-gap', 'KV305', 0]);
  });
  it('positions: char offset inside the segment, token offset in the prompt, reusable + lost = previous', () => {
    const a = req({ system: 'Stable text here. Version 1 of the rules.', messages: msgs('hi') });
    const b = req({ system: 'Stable text here. Version 2 of the rules.', messages: msgs('hi') });
    const d = diffRequests(a, b, tk);
    expect(d.label).toBe('system');
    expect(d.charOffset).toBe('Stable text here. Version '.length);
    const ia = diffInput(a, (t) => tk.count(t));
    const toolsTokens = ia.tokens.slice(0, 3).reduce((x, y) => x + y, 0);
    expect(d.tokenOffset).toBeGreaterThan(toolsTokens);
    expect(d.reusableTokens + d.lostTokens).toBe(ia.tokens.reduce((x, y) => x + y, 0));
  });
  it('excerpts are bounded and redacted', () => {
    const a = 'x'.repeat(5000) + ' contact ann@example.com ' + 'y'.repeat(5000);
    const b = 'x'.repeat(5000) + ' contact bob@example.com ' + 'z'.repeat(5000);
    const e = changeExcerpt(a, b, 5009);
    expect(e.length).toBeLessThanOrEqual(60 + 400 + 40 + 4);
    expect(e).not.toMatch(/ann@|bob@/);
  });
  it('excerpts show a small edit character by character, and a large one or unrelated text whole', () => {
    const base = 'The assistant answers questions about the billing API and cites the docs it used. ';
    // two small edits inside shared text: a character diff
    const small = changeExcerpt(`${base}Today is 2025-08-07. Keep answers short.`, `${base}Today is 2025-09-12. Keep answers short.`, base.length + 14);
    expect(small).toContain('2025-0[-8-]{+9+}-[-07-]{+12+}. Keep');
    // an edit of more than 64 characters, even inside shared text: the replacement whole (searching for
    // large edits is what made logs whose lineages alternate between prompts slow)
    const inserted = 'Always answer in the customer\'s language and never promise refunds or credits of any kind. ';
    const large = changeExcerpt(`${base}Keep answers short.`, `${base}${inserted}Keep answers brief.`, base.length);
    expect(inserted.length).toBeGreaterThan(64);
    expect(large).toContain(`[-Keep answers short-]{+${inserted.slice(0, 20)}`);
    // a pure insertion of any size needs no search and shows as one
    expect(changeExcerpt(`${base}Keep answers short.`, `${base}${inserted}Keep answers short.`, base.length)).toContain(`used. {+${inserted.slice(0, 20)}`);
    // unrelated middles (another agent's prompt): the replacement whole, not confetti
    const a = `${base}${'You triage support tickets by urgency and route them to the right queue. '.repeat(3)}`;
    const b = `${base}${'You write release notes from merged pull requests, grouped by component. '.repeat(3)}`;
    const whole = changeExcerpt(a, b, base.length + 4);
    expect(whole).toMatch(/You \[-triage support tickets[^\]]*queue-\]\{\+write release notes/);
  });
  it('across conversations, another question, system prompt, tool set or model is another prompt, not a break', () => {
    const other = { sameLineage: false };
    expect(compare(req({ messages: msgs('hi') }), req({ messages: msgs('a different question') }), other).cause).toBe('branch');
    expect(compare(req({ system: 'You write poems about the sea and nothing else.', messages: msgs('hi') }), req({ system: 'You are a SQL assistant. Answer with one query.', messages: msgs('hi') }), other).cause).toBe('branch');
    expect(compare(req({ messages: msgs('hi') }), req({ model: 'claude-opus-4-6', messages: msgs('hi') }), other).cause).toBe('branch');
    expect(compare(req({ messages: msgs('hi') }), req({ tools: [TOOLS[0]], messages: msgs('hi') }), other).cause).toBe('branch');
    // a volatile value in the shared part is a break whoever sent the request
    const base = (s: string) => req({ system: s, messages: msgs('hi') });
    expect(compare(base('Today is 2025-05-21. Be kind.'), base('Today is 2025-05-22. Be kind.'), other).cause).toBe('timestamp');
    expect(compare(req({ messages: msgs('hi') }), req({ tools: [TOOLS[1], TOOLS[0]], messages: msgs('hi') }), other).cause).toBe('tool-reorder');
  });
});

const textArb = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', 'é', 'x', '1', '{'), maxLength: 30 });
const msgArb = fc.array(textArb, { minLength: 1, maxLength: 6 });

describe('properties', () => {
  const params = { seed: 20250521, numRuns: 60 };
  it('a request compared with itself has no divergence', () => {
    fc.assert(fc.property(msgArb, textArb, (m, sys) => {
      const r = req({ system: sys, messages: msgs(...m) });
      const d = diffRequests(r, r, tk);
      return d.cause === 'identical' && d.segment === -1 && d.lostTokens === 0;
    }), params);
  });
  it('appending a message never moves the divergence before the old end', () => {
    fc.assert(fc.property(msgArb, textArb, (m, extra) => {
      const a = req({ messages: msgs(...m) });
      const b = req({ messages: msgs(...m, extra) });
      const d = diffRequests(a, b, tk);
      return d.segment === -1 && d.cause === 'append-only' && d.reusableTokens === diffInput(a, (t) => tk.count(t)).tokens.reduce((x, y) => x + y, 0);
    }), params);
  });
  it('the canonical hash ignores key order and the raw hash does not', () => {
    const entries = fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 6 }), fc.integer()), { minLength: 2, maxLength: 6, selector: (e) => e[0] });
    fc.assert(fc.property(entries, (es) => {
      const o1 = Object.fromEntries(es);
      const o2 = Object.fromEntries([...es].reverse());
      const seg = (v: object) => ({ level: 'tools' as const, role: 'tool', label: 't', text: JSON.stringify(v), value: v });
      const [h1] = hashSegments([seg(o1)]);
      const [h2] = hashSegments([seg(o2)]);
      return h1!.canonical === h2!.canonical && (JSON.stringify(o1) === JSON.stringify(o2)) === (h1!.raw === h2!.raw);
    }), params);
  });
  it('streamed lines are the same whatever the chunk sizes', async () => {
    const lines = fc.array(fc.string({ unit: fc.constantFrom('a', 'é', '😀', '"', ' ', '\r'), maxLength: 20 }), { minLength: 1, maxLength: 12 });
    await fc.assert(fc.asyncProperty(lines, fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 8 }), async (ls, sizes) => {
      const text = ls.map((l) => JSON.stringify({ model: 'm', messages: [{ role: 'user', content: l }] })).join('\n') + '\n';
      const bytes = Buffer.from(text);
      const chunks: Buffer[] = [];
      for (let i = 0, k = 0; i < bytes.length; k++) {
        const n = sizes[k % sizes.length]!;
        chunks.push(bytes.subarray(i, i + n));
        i += n;
      }
      const got: string[] = [];
      for await (const r of splitLines(Readable.from(chunks))) got.push(r.text);
      const chain = (xs: string[]) => xs.map((x) => hashSegments([{ level: 'messages', role: 'user', label: 'm', text: x }])[0]!.rawChain);
      return JSON.stringify(chain(got)) === JSON.stringify(chain(text.split('\n').slice(0, -1).map((x) => x.replace(/\r$/, ''))));
    }), { seed: 7, numRuns: 50 });
  });
  it('block chains resumed from a shared prefix equal chains computed from scratch', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 80 }), fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 40 }), fc.constantFrom(4, 16), (shared, tail, size) => {
      const a = blockChain([Uint32Array.from(shared)], size);
      const b1 = blockChain([Uint32Array.from(shared), Uint32Array.from(tail)], size, { chain: a, sharedTokens: shared.length });
      const b2 = blockChain([Uint32Array.from([...shared, ...tail])], size);
      const reusable = Math.min(Math.floor(shared.length / size), Math.floor((shared.length + tail.length) / size));
      return JSON.stringify(b1.hashes) === JSON.stringify(b2.hashes) && b1.reused === reusable;
    }), params);
  });
});

describe('comparePrompts without a tokenizer', () => {
  it('is pure over its inputs', () => {
    const a = req({ messages: msgs('hi') });
    const count = (t: string) => t.length;
    const x = comparePrompts(diffInput(a, count), diffInput(a, count), count);
    expect(x.cause).toBe('identical');
  });
});

describe('cause → rule mapping lives in the rule files', () => {
  it('every classified cause is named by exactly one rule, and every rule cause is one the classifier gives', () => {
    const all = loadRules();
    for (const c of DIVERGENCE_CAUSES) {
      const named = all.filter((r) => r.cause === c);
      expect(named.map((r) => r.code), c).toHaveLength(1);
      expect(rules.ruleFor(c)?.rule.code).toBe(named[0]!.code);
    }
    for (const r of all) if (r.cause !== undefined) expect(DIVERGENCE_CAUSES as readonly string[], r.id).toContain(r.cause);
  });
});

describe('excerpts never show what redaction hides', () => {
  it('an e-mail address that differs in its local part is redacted whole, on both sides', () => {
    const a = 'Escalate to alice@gmail.com when the refund is over $500. Then wait.';
    const b = 'Escalate to bob@gmail.com when the refund is over $500. Then wait.';
    const x = changeExcerpt(a, b, a.indexOf('alice'));
    expect(x).not.toMatch(/alice|bob/);
    expect(x).toContain('[REDACTED:email]');
  });
});
