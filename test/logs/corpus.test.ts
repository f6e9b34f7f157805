import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeLogs } from '../../src/logs/analyze.js';
import type { LogAnalysis } from '../../src/logs/types.js';
import { loadTokenizer, type Tokenizer } from '../../src/tokenize/index.js';

const corpus = resolve(__dirname, '../../../shared/corpus');

/** file → [format, requests, skipped] or ['rejected', reason]: a regression in any adapter shows here. */
const TABLE: Record<string, [string, number, Record<string, number>] | ['rejected', string]> = {
  'logs/claude_code_compact_agent.jsonl': ['claude-code', 1, { 'transcript message (part of the next request)': 3 }],
  'logs/claude_code_short.jsonl': ['claude-code', 1, { 'transcript metadata': 6, 'transcript message (part of the next request)': 4, 'same requestId (one request written as several lines)': 4 }],
  'logs/claude_code_subagent.jsonl': ['claude-code', 3, { 'transcript message (part of the next request)': 3, 'same requestId (one request written as several lines)': 2, 'transcript metadata': 2 }],
  'logs/claude_code_tool_heavy.jsonl': ['claude-code', 4, { 'transcript metadata': 17, 'transcript message (part of the next request)': 13, 'same requestId (one request written as several lines)': 5 }],
  'logs/crewai_anthropic_cached_with_tools.yaml': ['vcr-yaml', 2, {}],
  'logs/crewai_crew_train_success.yaml': ['vcr-yaml', 7, { 'telemetry traffic': 5 }],
  'logs/crewai_inject_date.yaml': ['vcr-yaml', 1, { 'package-index traffic': 1, 'telemetry traffic': 3 }],
  'logs/crewai_lite_agent_react_loop.yaml': ['vcr-yaml', 14, { 'telemetry traffic': 5 }],
  'logs/crewai_openai_chat_streaming_cached.yaml': ['vcr-yaml', 2, {}],
  'logs/crewai_openai_responses_cached.yaml': ['vcr-yaml', 2, {}],
  'logs/llm_anthropic_tool_chain_sse.yaml': ['vcr-yaml', 2, {}],
  'logs/llm_openai_tool_chain.yaml': ['vcr-yaml', 3, {}],
  'logs/openinference_span_tool_calls.json': ['openinference-spans', 1, {}],
  'logs/openllmetry_anthropic_prompt_caching_stream.yaml': ['vcr-yaml', 2, {}],
  'logs/openllmetry_bedrock_scrubbed_body.yaml': ['vcr-yaml', 2, {}],
  'logs/openllmetry_openai_prompt_caching_gzip.yaml': ['vcr-yaml', 4, {}],
  'logs/otel_genai_span_tool_calls.json': ['otel-genai-spans', 1, {}],
  'logs/pai_anthropic_cache_real_api.yaml': ['vcr-yaml', 2, {}],
  'logs/pai_anthropic_inline_system_cache_reuse.yaml': ['vcr-yaml', 2, {}],
  'logs/pai_anthropic_tool_search_tools_change.yaml': ['vcr-yaml', 11, {}],
  'logs/pai_bedrock_converse_cache_write_read.yaml': ['vcr-yaml', 2, {}],
  'logs/pai_bedrock_converse_tool_choice_cache.yaml': ['vcr-yaml', 4, {}],
  'logs/pai_bedrock_invoke_cache_breakpoint_moves.yaml': ['vcr-yaml', 2, {}],
  'logs/pai_gemini_implicit_cache.yaml': ['vcr-yaml', 2, {}],
  'logs/pai_mcp_tools_list_then_openai.yaml': ['vcr-yaml', 2, { 'MCP JSON-RPC traffic': 10 }],
  'logs/pai_mistral_history_prompt_cache.yaml': ['vcr-yaml', 2, {}],
  'logs/pai_openai_chat_prompt_cache_e2e.yaml': ['vcr-yaml', 2, {}],
  'logs/pai_openai_responses_previous_response_id_compact.yaml': ['vcr-yaml', 5, { 'compaction call (/responses/compact)': 3 }],
  'logs/pai_openai_responses_prompt_cache_e2e.yaml': ['vcr-yaml', 2, {}],
  'logs/vercel_ai_sdk_spans.json': ['vercel-ai-spans', 4, { 'wrapper span (its doGenerate/doStream child holds the call)': 4, 'embedding span': 2 }],
  'logs/vercel_anthropic_prompt_cache_chunks.txt': ['rejected', 'response stream without a request body'],
  'conversations/axolotl_sharegpt_conversation.json': ['sharegpt', 6, {}],
  'conversations/bfcl_memory_notetaker.json': ['bfcl', 24, {}],
  'conversations/fastchat_sharegpt_dummy_TRIMMED.json': ['sharegpt', 252, {}],
  'conversations/mtbench_questions.jsonl': ['mtbench', 160, {}],
};

describe.skipIf(!existsSync(corpus))('request logs from the shared corpus', () => {
  let tokenizer: Tokenizer;
  const cache = new Map<string, LogAnalysis>();
  const run = async (rel: string): Promise<LogAnalysis> => {
    let a = cache.get(rel);
    if (!a) {
      a = await analyzeLogs([{ abs: resolve(corpus, rel), rel }], { tokenizer });
      cache.set(rel, a);
    }
    return a;
  };
  beforeAll(async () => {
    tokenizer = await loadTokenizer();
  });

  it('covers every file of logs/ and conversations/', () => {
    const files = ['logs', 'conversations'].flatMap((d) => readdirSync(resolve(corpus, d)).map((f) => `${d}/${f}`)).sort();
    expect(files).toEqual(Object.keys(TABLE).sort());
  });

  it.each(Object.entries(TABLE))('%s', async (rel, expected) => {
    const f = (await run(rel)).files[0]!;
    if (expected[0] === 'rejected') expect(f.rejected).toBe(expected[1]);
    else expect([f.format, f.requests, f.skipped]).toEqual(expected);
  });

  it('claude_code_tool_heavy: the cache falls right after the /mcp reconnect, seen from usage', async () => {
    const a = await run('logs/claude_code_tool_heavy.jsonl');
    const reqs = a.lineages[0]!.requests;
    expect(reqs.map((r) => [r.usage?.cacheReadTokens, r.usage?.cacheWriteTokens])).toEqual([[17915, 7883], [25798, 208], [18014, 8490], [26504, 1115]]);
    expect(reqs.map((r) => r.divergence?.cause)).toEqual([undefined, undefined, 'tool-set-change', undefined]);
    const d = reqs[2]!.divergence!;
    expect(d).toMatchObject({ segment: -1, tokenOffset: 18014, code: 'KV107' });
    expect(d.excerpt).toMatch(/26006 to 18014.*\/mcp/);
    expect(d.note).toMatch(/reported usage/);
    expect(reqs[2]!.lostTokens).toBe(26006 - 18014);
    expect(a.diagnostics.map((x) => [x.code, x.line])).toEqual([['KV107', 27]]);
  });

  it('crewai_anthropic_cached_with_tools: no divergence in tools+system despite messages-first key order', async () => {
    const a = await run('logs/crewai_anthropic_cached_with_tools.yaml');
    const d = a.lineages[0]!.requests[1]!.divergence!;
    expect(d.label).toBe('messages[0] user');
    expect(d.cause).toBe('branch');
    expect(d.tokenOffset).toBeGreaterThan(1000);
    expect(a.diagnostics).toEqual([]);
  });

  it('pai_bedrock_invoke_cache_breakpoint_moves: a moved cache marker is not a break', async () => {
    const a = await run('logs/pai_bedrock_invoke_cache_breakpoint_moves.yaml');
    const [r0, r1] = a.lineages[0]!.requests;
    expect(r1!.divergence).toBeUndefined();
    expect(r1!.reusedTokens).toBe(r0!.tokens);
    expect(r1!.hashes.from).toBe(r0!.hashes.segments); // r1 extends r0: only its new links are stored
  });

  it('pai_anthropic_tool_search_tools_change: the tool set change is a tool-set-change in tools', async () => {
    const a = await run('logs/pai_anthropic_tool_search_tools_change.yaml');
    const d = a.lineages[0]!.requests[1]!.divergence!;
    expect(d).toMatchObject({ cause: 'tool-set-change', code: 'KV107', label: 'tools[1] get_exchange_rate' });
    expect(d.excerpt).toMatch(/added get_exchange_rate/);
    expect(a.lineages[0]!.requests[2]!.divergence).toBeUndefined();
  });

  it('crewai_inject_date: a date injected into the final user turn of the only request is not a break', async () => {
    // "Current Date: 2025-05-21" sits in the last user message of the one request in the cassette: nothing
    // after it is cached, and no other request shows it varying, so it costs nothing (a new final turn is
    // never a break, whatever it holds)
    const a = await run('logs/crewai_inject_date.yaml');
    expect(a.diagnostics).toEqual([]);
    expect(a.summary.requests).toBe(1);
  });

  it('openllmetry_openai_prompt_caching_gzip: base64+gzip response bodies give cached tokens', async () => {
    const a = await run('logs/openllmetry_openai_prompt_caching_gzip.yaml');
    expect(a.lineages[0]!.requests.map((r) => r.usage?.cacheReadTokens)).toEqual([0, 1024, 0, 0]);
  });

  it('pai_openai_responses_previous_response_id_compact: chains follow previous_response_id, compaction resets', async () => {
    const a = await run('logs/pai_openai_responses_previous_response_id_compact.yaml');
    const first = a.lineages[0]!;
    expect(first.requests).toHaveLength(2);
    expect(first.requests[1]!.notes?.join(' ')).toMatch(/previous_response_id/);
    expect(a.lineages).toHaveLength(4);
  });

  it('bfcl: weekday notes in user turns are not flagged', async () => {
    expect((await run('conversations/bfcl_memory_notetaker.json')).diagnostics).toEqual([]);
  });
});
