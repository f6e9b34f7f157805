// kvlint/testing: the assertion and the expect matcher an app's own test suite uses, on a passing and a
// failing pair for each provider's body shape, and for turns of one conversation.
import { describe, expect, it } from 'vitest';
import { assertSharedPrefix, CachePrefixError, kvlintMatchers, type KvlintMatchers } from '../../src/testing.js';

declare module 'vitest' {
  interface Assertion<T> extends KvlintMatchers<T> {}
}
expect.extend(kvlintMatchers);

const POLICY = 'Answer briefly and cite the policy you used. '.repeat(30);
const TOOLS = [{ name: 'lookup_order', description: 'Find an order by id', input_schema: { type: 'object', properties: { id: { type: 'string' } } } }];

/** What an app builds per user: the stable version puts the user in the last turn, the broken one in the system prompt. */
const anthropic = (user: string, broken: boolean) => ({
  model: 'claude-sonnet-4-5',
  max_tokens: 256,
  tools: TOOLS,
  system: broken ? `You help ${user}. Today is 2026-03-0${user.length % 9}.\n${POLICY}` : `You help Northwind's customers.\n${POLICY}`,
  messages: [{ role: 'user', content: `I am ${user}. Where is my order?` }],
});
const openai = (user: string, broken: boolean) => ({
  model: 'gpt-4o',
  messages: [
    { role: 'system', content: broken ? `Request id ${user.length}-${user}\n${POLICY}` : POLICY },
    { role: 'user', content: `I am ${user}.` },
  ],
});
const gemini = (user: string, broken: boolean) => ({
  systemInstruction: { parts: [{ text: broken ? `Customer: ${user}\n${POLICY}` : POLICY }] },
  contents: [{ role: 'user', parts: [{ text: `I am ${user}.` }] }],
});

describe('assertSharedPrefix', () => {
  for (const [name, build] of [['Anthropic', anthropic], ['OpenAI', openai], ['Gemini', gemini]] as const) {
    it(`passes two ${name} users who share tools and system prompt`, async () => {
      await expect(assertSharedPrefix([build('alice', false), build('bob', false)])).resolves.toBeUndefined();
      await expect([build('alice', false), build('bob', false)]).toShareCachePrefix();
    });

    it(`fails two ${name} users whose system prompts differ, saying where, why and what it costs`, async () => {
      const err = await assertSharedPrefix([build('alice', true), build('bob', true)]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CachePrefixError);
      const e = err as CachePrefixError;
      expect(e.index).toBe(1);
      expect(e.divergence.segment).toBeGreaterThanOrEqual(0);
      expect(e.divergence.lostTokens).toBeGreaterThan(200);
      expect(e.message).toMatch(/^kvlint: requests 0 and 1 do not share their tools and system prompt/);
      expect(e.message).toMatch(/first divergence {2}segment \d+ .*character \d+/);
      expect(e.message).toMatch(/lost {14}≈?[\d,]+ tokens of request 0 must be recomputed/);
      expect(e.message).toContain(`cause             ${e.divergence.cause}`);
      await expect(expect([build('alice', true), build('bob', true)]).toShareCachePrefix()).rejects.toThrow(e.message);
      await expect([build('alice', true), build('bob', true)]).not.toShareCachePrefix();
    });
  }

  it('names the rule behind the cause (a timestamp: KV101)', async () => {
    const a = anthropic('alice', true);
    const b = { ...a, system: a.system.replace('2026-03-05', '2026-03-06') };
    await expect(assertSharedPrefix([a, b])).rejects.toThrow(/cause {13}timestamp → KV101 no-timestamp-in-prefix: .*\n[\s\S]*kvlint explain KV101/);
  });

  it("checks turns of one conversation with through: 'all': the next turn may only add", async () => {
    const turn1 = anthropic('alice', false);
    const turn2 = { ...turn1, messages: [...turn1.messages, { role: 'assistant', content: 'It ships today.' }, { role: 'user', content: 'Thanks!' }] };
    await expect(assertSharedPrefix([turn1, turn2], { through: 'all' })).resolves.toBeUndefined();
    // an app that rewrites the first turn (here: a timestamp stamped on it) breaks the conversation's cache
    const rewritten = { ...turn2, messages: [{ role: 'user', content: 'At 10:02, I am alice. Where is my order?' }, ...turn2.messages.slice(1)] };
    await expect(assertSharedPrefix([turn1, rewritten], { through: 'all' })).rejects.toThrow(/requests 0 and 1 do not share the whole earlier request/);
    // … which still shares tools and system prompt
    await expect(assertSharedPrefix([turn1, rewritten])).resolves.toBeUndefined();
  });

  it('takes a token count, and redacts the change unless told not to', async () => {
    const a = openai('alice@example.com', true);
    const b = openai('bob@example.com', true);
    await expect(assertSharedPrefix([a, b], { through: 1 })).resolves.toBeUndefined();
    await expect(assertSharedPrefix([a, b], { through: 50 })).rejects.toThrow(/do not share 50 tokens of prefix/);
    const x = { ...a, messages: [{ role: 'system', content: `Escalate to ops@example.com.\n${POLICY}` }, a.messages[1]!] };
    const y = { ...a, messages: [{ role: 'system', content: `Escalate to ops@example.com!\n${POLICY}` }, a.messages[1]!] };
    await expect(assertSharedPrefix([x, y])).rejects.toThrow(/\[REDACTED:email\]/);
    await expect(assertSharedPrefix([x, y], { redact: false })).rejects.toThrow(/ops@example\.com/);
  });

  it('refuses what it cannot check: fewer than two requests, a body of no known API, nothing to share', async () => {
    await expect(assertSharedPrefix([anthropic('a', false)])).rejects.toThrow(/at least two/);
    await expect(assertSharedPrefix([{ foo: 1 }, { foo: 2 }])).rejects.toThrow(/request 0 is not a request body of a known API/);
    const bare = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };
    await expect(assertSharedPrefix([bare, bare])).rejects.toThrow(/request 0 has no tools or system prompt to share/);
  });
});
