import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PromptDoc, Segment } from '../../../src/model.js';
import { parsePrompt, sniffPrompt, type PromptFormat } from '../../../src/normalize/prompt/index.js';
import { makeSourceFile, sourceOffset } from '../../../src/source.js';
import { repoRoot, seg } from './helpers.js';

const corpus = path.resolve(repoRoot, '../shared/corpus');

/** The format each corpus file must be detected as (files absent here must not be prompts). */
const EXPECTED: Record<string, PromptFormat | undefined> = {
  'prompts/amp_claude4_thread.yaml': 'request',
  'prompts/anthropic_official_opus3_2024-07-12.md': 'markdown',
  'prompts/anthropic_official_opus45_2025-11-24.md': 'markdown',
  'prompts/claude_code_opus48_env.md': 'markdown',
  'prompts/claude_code_prompt.txt': 'text',
  'prompts/cline_prompt.txt': 'text',
  'prompts/codebuddy_chat_crlf.txt': 'text',
  'prompts/cursor_agent_cli_2025-08-07.txt': 'text',
  'prompts/devin_deepwiki_trailing_ws.txt': 'text',
  'prompts/dotprompt_features.prompt': 'dotprompt',
  'prompts/dotprompt_handlebars_helpers.prompt': 'dotprompt',
  'prompts/dotprompt_kitchen_sink.prompt': 'dotprompt',
  'prompts/dotprompt_multi_turn_history.prompt': 'dotprompt',
  'prompts/fastchat_judge_prompts.jsonl': 'prompts-jsonl',
  'prompts/langchain_examples.json': undefined,
  'prompts/langchain_few_shot_prompt.yaml': 'langchain',
  'prompts/langchain_simple_chat_prompt.json': 'langchain',
  'prompts/lovable_agent.txt': 'text',
  'prompts/notion_ai_prompt.txt': 'text',
  'prompts/openhands_additional_info.j2': 'jinja',
  'prompts/openhands_icl_example.j2': 'jinja',
  'prompts/openhands_system_prompt.j2': 'jinja',
  'prompts/perplexity_crlf.txt': 'text',
  'prompts/prompty_basic.prompty': 'prompty',
  'prompts/prompty_socrates.prompty': 'prompty',
  'prompts/prompty_tools_function.prompty': 'prompty',
  'prompts/vscode_agent_gpt41.txt': 'text',
  'prompts/xcode_document_action.txt': 'text',
  'prompts/xcode_system.txt': 'text',
  'tools/bfcl_live_parallel.jsonl': 'tools-jsonl',
  'tools/bfcl_travel_booking_funcs.jsonl': 'tools-jsonl',
  'tools/claude_code_tools.json': 'anthropic-tools',
  'tools/claude_for_chrome_tools.json': 'anthropic-tools',
  'tools/cursor_agent_tools_v1.json': 'openai-tools',
  'tools/ghmcp_create_pull_request.snap': 'mcp-tools',
  'tools/ghmcp_issue_write.snap': 'mcp-tools',
  'tools/ghmcp_projects_write.snap': 'mcp-tools',
  'tools/manus_tools.json': 'openai-tools',
  'tools/replit_tools.json': 'openai-tools',
  'tools/v0_tools.json': 'openai-tools',
};

function load(rel: string): PromptDoc {
  return parsePrompt(makeSourceFile(rel, readFileSync(path.join(corpus, rel), 'utf8')));
}

/**
 * Every letter of a segment's text that the file holds literally must map onto that same letter: the
 * anchors are right everywhere, not only at the offsets a test happens to pick. In JSON text only
 * letters inside string literals count (structure is synthesized).
 */
function mismatchedLetters(doc: PromptDoc, s: Segment): number {
  if (!s.anchors) return 0;
  const json = s.level === 'tools' || s.text.startsWith('{') || s.text.startsWith('[');
  let inString = !json;
  let bad = 0;
  for (let t = 0; t < s.text.length; t++) {
    const c = s.text[t] as string;
    if (json) {
      if (c === '"' && s.text[t - 1] !== '\\') inString = !inString;
      if (c === '\\') {
        t++;
        continue;
      }
    }
    if (!inString || !/[A-Za-z]/.test(c)) continue;
    const off = sourceOffset(s.anchors, t);
    if (off === undefined || doc.file.text[off] !== c) bad++;
  }
  return bad;
}

describe.skipIf(!existsSync(corpus))('corpus prompts and tools', () => {
  const files = !existsSync(corpus) ? [] : ['prompts', 'tools'].flatMap((d) => readdirSync(path.join(corpus, d)).map((f) => `${d}/${f}`)).sort();

  it('knows every corpus file', () => {
    expect(files.filter((f) => !(f in EXPECTED))).toEqual([]);
  });

  for (const rel of files) {
    it(`sniffs and parses ${rel}`, () => {
      const text = readFileSync(path.join(corpus, rel), 'utf8');
      expect(sniffPrompt(rel, text)).toBe(EXPECTED[rel]);
      if (EXPECTED[rel] === undefined) return;
      const doc = load(rel);
      expect(doc.segments.length).toBeGreaterThan(0);
      for (const s of doc.segments) expect(mismatchedLetters(doc, s), s.label).toBe(0);
      // segments come in render order
      const rank = { tools: 0, system: 1, messages: 2 };
      const groups = new Map<string | undefined, number>();
      for (const s of doc.segments) {
        expect(rank[s.level], s.label).toBeGreaterThanOrEqual(groups.get(s.group) ?? 0);
        groups.set(s.group, rank[s.level]);
      }
    });
  }

  it('prompty_basic.prompty has {{firstName}} in the system segment', () => {
    const doc = load('prompts/prompty_basic.prompty');
    const sys = seg(doc, 'system');
    expect(sys.level).toBe('system');
    expect(sys.placeholders?.map((p) => p.expr)).toContain('firstName');
    expect(seg(doc, 'messages[0] user').placeholders?.map((p) => p.expr)).toEqual(['question']);
  });

  it('amp_claude4_thread.yaml: tools first, 3 system blocks, the Environment block carries the marker', () => {
    const doc = load('prompts/amp_claude4_thread.yaml');
    const levels = doc.segments.map((s) => s.level);
    expect(levels.indexOf('system')).toBe(levels.lastIndexOf('tools') + 1);
    expect(doc.segments.filter((s) => s.level === 'tools')).toHaveLength(19);
    const system = doc.segments.filter((s) => s.level === 'system');
    expect(system).toHaveLength(3);
    expect(system.map((s) => s.cacheMarker !== undefined)).toEqual([false, true, false]);
    expect(system[1]?.text.startsWith('# Environment')).toBe(true);
    expect(doc.provider).toBe('anthropic');
  });

  it('claude_for_chrome_tools.json has a cache marker on the 6th tool only', () => {
    const doc = load('tools/claude_for_chrome_tools.json');
    expect(doc.segments).toHaveLength(16);
    expect(doc.segments.map((s, i) => (s.cacheMarker ? i : -1)).filter((i) => i >= 0)).toEqual([5]);
    expect(doc.segments[5]?.label).toBe('tools[5] javascript_tool');
    expect(doc.segments[5]?.text).not.toContain('cache_control');
  });

  it('dotprompt_kitchen_sink.prompt names its tools in file order', () => {
    const doc = load('prompts/dotprompt_kitchen_sink.prompt');
    const tools = seg(doc, 'tools');
    expect(tools.value).toEqual(['searchDatabase', 'generateChart', 'sendNotification']);
    expect(doc.segments[0]).toBe(tools);
    expect(seg(doc, 'system').level).toBe('system');
  });

  it('tool JSON text equals JSON.stringify of the value for every tool file', () => {
    for (const rel of files.filter((f) => f.startsWith('tools/'))) {
      for (const s of load(rel).segments) expect(s.text).toBe(JSON.stringify(s.value));
    }
  });

  it('ghmcp snapshots keep their (sorted) key order as the wire order', () => {
    const doc = load('tools/ghmcp_create_pull_request.snap');
    expect(doc.keyOrderUnknown).toBeUndefined();
    expect(Object.keys(doc.segments[0]?.value as object).at(-1)).toBe('name');
  });

  it('the BFCL parallel file gives each record its own group', () => {
    const doc = load('tools/bfcl_live_parallel.jsonl');
    const groups = new Set(doc.segments.map((s) => s.group));
    expect(groups.size).toBe(readFileSync(path.join(corpus, 'tools/bfcl_live_parallel.jsonl'), 'utf8').trim().split('\n').length);
  });

  it('the LangChain few-shot file includes its examples from a file', () => {
    const doc = load('prompts/langchain_few_shot_prompt.yaml');
    expect(seg(doc, 'examples').placeholders).toEqual([{ start: 0, end: 13, expr: 'examples.json', kind: 'include' }]);
  });

  it('request logs and conversations are not prompts', () => {
    for (const d of ['logs', 'conversations']) {
      for (const f of readdirSync(path.join(corpus, d))) {
        if (f.endsWith('.txt')) continue; // a .txt is text by extension; the log sniffer runs first
        expect(sniffPrompt(f, readFileSync(path.join(corpus, d, f), 'utf8')), f).toBeUndefined();
      }
    }
  });
});
