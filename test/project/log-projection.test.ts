// The projection for request logs: replay now vs with the breakers fixed, per-rule savings, and
// predicted vs provider-reported cached tokens.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeLogs } from '../../src/logs/analyze.js';
import { LogProjector, type Projection } from '../../src/project/log-projection.js';
import { loadPriceTable } from '../../src/project/prices.js';
import { loadTokenizer } from '../../src/tokenize/index.js';
import { body } from '../helpers/log-case.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const corpus = resolve(__dirname, '../../../shared/corpus');

async function project(files: { abs: string; rel: string }[], cacheScope?: string): Promise<Projection | undefined> {
  const projector = new LogProjector(loadPriceTable());
  const tokenizer = await loadTokenizer('gpt-4o');
  const a = await analyzeLogs(files, { tokenizer, ...(cacheScope ? { cacheScope } : {}), onRequest: (req, input, entry, facts) => projector.add(req, input, entry, facts) });
  return projector.finish(a.summary.approx, (code) => ({ KV101: 'no-timestamp-in-prefix' })[code]);
}

/** A session of `n` requests 30 s apart, a cache marker after a long system prompt, optionally stamped. */
async function session(n: number, stamped: boolean): Promise<Projection | undefined> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kvlint-proj-'));
  try {
    const policy = 'Refunds are issued within 14 days of purchase when the item is unused. '.repeat(120);
    const lines: string[] = [];
    const msgs: string[] = [];
    for (let i = 0; i < n; i++) {
      msgs.push(`Question ${i}: may I return order ${1000 + i}?`);
      const system = `${stamped ? `Current time: 2026-01-01T10:${String(i).padStart(2, '0')}:00Z. ` : ''}${policy}`;
      const b = body({ system, messages: [...msgs] });
      b.system = [{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }];
      lines.push(JSON.stringify({ timestamp: new Date(Date.UTC(2026, 0, 1, 10, 0, 30 * i)).toISOString(), request: b }));
      msgs.push(`Answer ${i}: yes.`);
    }
    const file = path.join(dir, 'log.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    return await project([{ abs: file, rel: 'log.jsonl' }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('log projection', () => {
  it('a timestamp ahead of the cache marker: fixing it saves money and TTFT, attributed to KV101', async () => {
    const p = (await session(6, true))!;
    expect(p.targets).toEqual([expect.objectContaining({ provider: 'anthropic', model: 'claude-sonnet-4-6', regime: 'anthropic', requests: 6 })]);
    expect(p.total.now.hits).toBe(0); // every request rewrites the stamped prefix
    expect(p.total.fixed.hits).toBe(5); // fixed: every request after the first reads the system prompt
    expect(p.total.savings.total).toBeGreaterThan(0);
    expect(p.total.savings.pct).toBeGreaterThan(30);
    expect(p.total.savings.ttftP50Ms).toBeGreaterThan(0);
    expect(p.byRule).toEqual([expect.objectContaining({ code: 'KV101', ruleId: 'no-timestamp-in-prefix', breaks: 5 })]);
    expect(p.byRule[0]!.savings.total).toBe(p.total.savings.total);
    expect(p.total.now.cost.total).toBe(p.total.now.cost.uncached + p.total.now.cost.write + p.total.now.cost.read + p.total.now.cost.output);
  });

  it('a clean session: nothing to fix, identical columns, every later request a hit', async () => {
    const p = (await session(6, false))!;
    expect(p.total.now.hits).toBe(5);
    expect(p.total.fixed).toEqual(p.total.now);
    expect(p.total.savings.total).toBe(0);
    expect(p.byRule).toEqual([]);
    expect(p.assumptions.join('\n')).toMatch(/shared by every session/);
  });

  it.skipIf(!existsSync(corpus))('agrees with the cached tokens providers reported on the corpus, and says why not', async () => {
    const names = [
      'pai_anthropic_inline_system_cache_reuse.yaml',
      'pai_bedrock_converse_cache_write_read.yaml',
      'openllmetry_anthropic_prompt_caching_stream.yaml',
      'pai_openai_chat_prompt_cache_e2e.yaml',
      'pai_openai_responses_prompt_cache_e2e.yaml',
      'openllmetry_openai_prompt_caching_gzip.yaml',
      'pai_mistral_history_prompt_cache.yaml',
      'claude_code_tool_heavy.jsonl',
    ];
    // separate recordings (other apps, other days): each file is a cache scope of its own
    const p = (await project(names.map((n) => ({ abs: resolve(corpus, 'logs', n), rel: n })), ':file'))!;
    const a = p.agreement;
    // measured 2026-11-26: 14 compared, 8 exact, 13 within 5% (the one miss is OpenAI's documented best-effort)
    expect(a.compared).toBe(14);
    expect(a.within5pct).toBeGreaterThanOrEqual(13);
    expect(a.exact).toBeGreaterThanOrEqual(8);
    for (const d of a.disagreements) expect(d.reason).not.toBe('');
    // Claude Code transcripts lack the system prompt: priced from reported usage, not compared
    expect(a.skipped['the log does not hold the whole prompt']).toBe(4);
    expect(p.assumptions.join('\n')).toMatch(/priced from the usage the provider reported/);
    // OpenAI's best-effort misses (identical prefixes that reported 0) are explained as such
    expect(a.disagreements.some((d) => d.file.startsWith('openllmetry_openai') && /best-effort/.test(d.reason))).toBe(true);
  });
});

describe('per lineage and per finding', () => {
  it('prices each fixable break alone and each lineage now vs fixed', async () => {
    const p = (await session(4, true))!;
    expect(p.byLineage).toHaveLength(1);
    expect(p.byLineage.at(0)!.now).toEqual(p.total.now);
    // the breaks at requests 1, 2 and 3 are one finding (one rule, one place in the shared prefix)
    expect(p.byFinding).toHaveLength(1);
    const f = p.byFinding[0]!;
    expect(f.code).toBe('KV101');
    expect(f.savedMicro).toBe(p.total.savings.total);
    expect(f.readDelta).toBeGreaterThan(0);
  });
});

describe('calibration of stand-in counts', () => {
  it('scales a request without usage by its own lineage only, and says so', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kvlint-cal-'));
    try {
      const policy = 'Refunds are issued within 14 days of purchase when the item is unused. '.repeat(80);
      const line = (session: string, q: string, usage?: object) =>
        JSON.stringify({ session_id: session, request: body({ system: policy, messages: [q] }), ...(usage ? { usage } : {}) });
      const file = path.join(dir, 'log.jsonl');
      writeFileSync(
        file,
        `${[
          line('a', 'first question', { input_tokens: 4000, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, output_tokens: 5 }),
          line('a', 'second question'),
          line('b', 'third question'),
        ].join('\n')}\n`,
      );
      const p = (await project([{ abs: file, rel: 'log.jsonl' }]))!;
      const [a1, a2, b1] = p.requests;
      expect(a1!.now.tokens).toBe(4000); // replayed at its reported total
      expect(a2!.now.tokens).toBeGreaterThan(3900); // same lineage: scaled by a's ratio
      expect(b1!.now.tokens).toBeLessThan(2000); // another lineage: counted, not scaled
      expect(p.calibration).toEqual([expect.objectContaining({ lineages: 1, requests: 1 })]);
      expect(p.assumptions.join('\n')).toMatch(/median ratio of their lineage's reported totals.*lineages with no reported usage are not scaled/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
