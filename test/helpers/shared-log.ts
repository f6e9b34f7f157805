// Writes a request log the way an application's logger would (one JSON record per request: timestamp,
// request body, optional usage) and runs the real log job on it: analysis, findings and projection.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runLogJob, type LogJob, type LogJobResult } from '../../src/logs/job.js';

export interface LoggedRequest {
  body: Record<string, unknown>;
  /** seconds after the first request (default: 10 s apart) */
  at?: number;
  usage?: Record<string, unknown>;
  /** extra record fields (session ids, api key hashes, …) */
  extra?: Record<string, unknown>;
}

/** A long, static system prompt of about `words` words (≈1.3 tokens each). */
export function policyText(words: number, seed = 'Acme'): string {
  const out: string[] = [];
  for (let i = 0; out.length < words; i++) out.push(...`${seed} policy clause ${i}: refunds are issued to the original payment method within five business days of approval.`.split(' '));
  return out.slice(0, words).join(' ');
}

/** An Anthropic Messages body: tools, a system prompt (with a cache breakpoint by default), messages. */
export function anthropicBody(o: { system: string; messages: string[]; user?: string; cache?: boolean; model?: string; tools?: string[] }): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: o.model ?? 'claude-sonnet-4-6',
    max_tokens: 512,
    tools: (o.tools ?? ['lookup_order', 'refund_order']).map((name) => ({ name, description: `Tool ${name}.`, input_schema: { type: 'object', properties: { id: { type: 'string' } } } })),
    system: o.cache === false ? o.system : [{ type: 'text', text: o.system, cache_control: { type: 'ephemeral' } }],
    messages: o.messages.map((content, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content })),
  };
  if (o.user !== undefined) body.metadata = { user_id: o.user };
  return body;
}

export async function runLog(requests: LoggedRequest[], job: Partial<LogJob> = {}): Promise<LogJobResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kvlint-shared-'));
  try {
    const file = path.join(dir, 'app.jsonl');
    const t0 = Date.UTC(2026, 10, 2, 9, 0, 0);
    const lines = requests.map((r, i) => {
      const rec: Record<string, unknown> = { timestamp: new Date(t0 + (r.at ?? i * 10) * 1000).toISOString(), ...(r.extra ?? {}), request: r.body };
      if (r.usage) rec.response = { usage: r.usage };
      return JSON.stringify(rec);
    });
    writeFileSync(file, `${lines.join('\n')}\n`);
    return await runLogJob({ inputs: [{ abs: file, rel: 'app.jsonl' }], tokenizerModel: 'claude-sonnet-4-6', redact: true, workers: 0, ...job });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
