// Builds a tiny request log from Anthropic Messages bodies and runs the log analyzer on it: the way
// session rules (which only the analyzer emits) get valid and invalid cases of their own.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { analyzeLogs } from '../../src/logs/analyze.js';
import type { LogAnalysis } from '../../src/logs/types.js';
import { loadTokenizer } from '../../src/tokenize/index.js';

export interface BodyOptions {
  model?: string;
  system?: string;
  tools?: string[];
  messages?: string[];
}

/** An Anthropic Messages body in one session; messages alternate user/assistant. */
export function body(o: BodyOptions = {}): Record<string, unknown> {
  return {
    model: o.model ?? 'claude-sonnet-4-6',
    max_tokens: 256,
    metadata: { user_id: 'session-1' },
    system: o.system ?? 'You are a support agent for Acme. Answer from the policy and cite it.',
    tools: (o.tools ?? ['lookup_order']).map((name) => ({ name, description: `Tool ${name}.`, input_schema: { type: 'object', properties: {} } })),
    messages: (o.messages ?? ['Where is my order?']).map((content, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content })),
  };
}

/** Runs the analyzer over `{timestamp, request}` records (one per body, `gapSeconds` apart). */
export async function analyzeBodies(bodies: Record<string, unknown>[], gapSeconds = 10): Promise<LogAnalysis> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kvlint-logcase-'));
  try {
    const file = path.join(dir, 'log.jsonl');
    const t0 = Date.UTC(2026, 0, 1, 10, 0, 0);
    writeFileSync(file, bodies.map((request, i) => JSON.stringify({ timestamp: new Date(t0 + i * gapSeconds * 1000).toISOString(), request })).join('\n') + '\n');
    return await analyzeLogs([{ abs: file, rel: 'log.jsonl' }], { tokenizer: await loadTokenizer('claude-sonnet-4-6') });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The rule codes the analyzer reported. */
export function codes(a: LogAnalysis): string[] {
  return a.diagnostics.map((d) => d.code);
}
