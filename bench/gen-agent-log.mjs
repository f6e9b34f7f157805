// Generates an agent-style request log (JSONL of Anthropic Messages bodies): each session re-sends a
// large system prompt and tools and a conversation that grows turn by turn, as agents do. A few sessions
// carry real breakers: a timestamp in the system prompt, a reordered tool list. Deterministic (seeded).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** A small LCG so the same size always gives the same file. */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WORDS = (
  'the agent reads the repository and plans a change before it edits files it keeps each step small ' +
  'and explains the trade offs tests run after every edit failures are read carefully and fixed at the ' +
  'root cause configuration lives in one place logs are structured errors carry context and every ' +
  'public function has a short comment that says why it exists rather than what it does ' +
  // real traffic is not all ASCII (the measured floor in perf-limits.md used ~13% non-ASCII text)
  'données vérifiées journal überprüft Prüfung проверка журнал изменений 変更 ログ 테스트 검증 修复 日志'
).split(' ');

function text(rand, words) {
  const out = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)]);
  return out.join(' ');
}

/**
 * Writes about `bytes` bytes to `path`. Options: systemTokens (≈ words × 1.3), turnsPerSession.
 * Returns { bytes, requests, sessions }.
 */
export async function generateAgentLog(path, bytes, { systemWords = 15000, turnsPerSession = 12, seed = 42, stampEvery = 0 } = {}) {
  const rand = rng(seed);
  const systems = Array.from({ length: 4 }, (_, i) => `You are build agent ${i}. ${text(rand, systemWords)}`);
  const tools = Array.from({ length: 12 }, (_, i) => ({
    name: `tool_${String(i).padStart(2, '0')}`,
    description: text(rand, 60),
    input_schema: { type: 'object', properties: { path: { type: 'string', description: text(rand, 12) } }, required: ['path'] },
  }));
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let written = 0;
  let requests = 0;
  let session = 0;
  while (written < bytes) {
    session++;
    const sys = systems[session % systems.length];
    // stampEvery: a per-request timestamp at the TOP of the system prompt in every n-th session (the
    // breaker-heavy workload), on top of the usual few breakers
    const breaker = stampEvery > 0 && session % stampEvery === 0 ? 'stamp-top' : session % 17 === 0 ? 'timestamp' : session % 23 === 0 ? 'reorder' : undefined;
    const messages = [];
    const t0 = Date.UTC(2026, 10, 1) + session * 3_600_000;
    for (let turn = 0; turn < turnsPerSession && written < bytes; turn++) {
      messages.push({ role: 'user', content: text(rand, 40 + Math.floor(rand() * 200)) });
      let system = sys;
      let toolList = tools;
      if (breaker === 'timestamp') system = `${sys}\nCurrent time: ${new Date(t0 + turn * 20_000).toISOString()}`;
      if (breaker === 'stamp-top') system = `Current time: ${new Date(t0 + turn * 20_000).toISOString()}\n${sys}`;
      if (breaker === 'reorder' && turn % 2 === 1) toolList = [...tools].reverse();
      const body = {
        model: 'claude-sonnet-4-6',
        max_tokens: 1024,
        metadata: { user_id: `session-${session}` },
        system: [{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }],
        tools: toolList,
        messages,
      };
      const line = `${JSON.stringify({ timestamp: new Date(t0 + turn * 20_000).toISOString(), request: body })}\n`;
      if (!out.write(line)) await once(out, 'drain');
      written += Buffer.byteLength(line);
      requests++;
      messages.push({ role: 'assistant', content: text(rand, 80 + Math.floor(rand() * 300)) });
    }
  }
  out.end();
  await once(out, 'finish');
  return { bytes: written, requests, sessions: session };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [path, mb] = process.argv.slice(2);
  const r = await generateAgentLog(path, Number(mb ?? 100) * 1e6);
  console.log(JSON.stringify(r));
}

/**
 * Writes a log in which no two messages are alike (each request: a fresh system note and user message),
 * so tokenization, not parsing, bounds the run: the case the worker pool exists for.
 */
export async function generateUniqueLog(path, bytes, { seed = 7 } = {}) {
  const rand = rng(seed);
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let written = 0;
  let requests = 0;
  while (written < bytes) {
    const words = (n) => {
      const w = [];
      for (let i = 0; i < n; i++) w.push(`${WORDS[Math.floor(rand() * WORDS.length)]}${Math.floor(rand() * 1000)}`);
      return w.join(' ');
    };
    const body = {
      model: 'gpt-4.1',
      user: `u-${requests}`,
      messages: [
        { role: 'system', content: `Ticket ${requests}: ${words(60)}` },
        { role: 'user', content: words(400 + Math.floor(rand() * 400)) },
      ],
    };
    const line = `${JSON.stringify(body)}\n`;
    if (!out.write(line)) await once(out, 'drain');
    written += Buffer.byteLength(line);
    requests++;
  }
  out.end();
  await once(out, 'finish');
  return { bytes: written, requests };
}

/**
 * A stateless multi-user app: `count` requests, each from a different user and the only request of its
 * session (one of 8 shared system prompts, then the user's own question): every cache read is across users.
 */
export async function generateUsersLog(path, count = 100_000, { seed = 13 } = {}) {
  const rand = rng(seed);
  const systems = Array.from({ length: 8 }, (_, i) => `You are service ${i}. ${text(rand, 200)}`);
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  for (let i = 0; i < count; i++) {
    const body = {
      model: 'gpt-4.1',
      user: `user-${i}`,
      messages: [
        { role: 'system', content: systems[i % systems.length] },
        { role: 'user', content: `${i}: ${text(rand, 60)}` },
      ],
    };
    if (!out.write(`${JSON.stringify(body)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { requests: count };
}

/**
 * The peer workload: `count` OpenAI-style requests of about 2,000 tokens each (one of 8 shared system
 * prompts of ~1,500 tokens, then a user message of ~500 tokens of its own), for replay through the vLLM
 * cache model with --engine vllm.
 */
export async function generatePeerLog(path, count = 10_000, { seed = 11 } = {}) {
  const rand = rng(seed);
  const systems = Array.from({ length: 8 }, (_, i) => `You are service ${i}. ${text(rand, 1100)}`);
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  for (let i = 0; i < count; i++) {
    const body = {
      model: 'llama-3.1-8b',
      user: `u-${i % 500}`,
      messages: [
        { role: 'system', content: systems[i % systems.length] },
        { role: 'user', content: `${i}: ${text(rand, 380)}` },
      ],
    };
    if (!out.write(`${JSON.stringify(body)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { requests: count };
}
