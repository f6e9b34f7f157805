// The rules against real third-party prompts and tool files (../shared/corpus). For each file, the codes
// that MANIFEST.tsv's "cache breakers seen" column implies must be found; static controls must get no
// error. Skips when the corpus or the prompt parsers are absent.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lintPrompt } from '../../src/engine/lint.js';
import { loadRules } from '../../src/engine/registry.js';
import type { Diagnostic, PromptDoc, SourceFile } from '../../src/model.js';
import { makeSourceFile } from '../../src/source.js';
import { loadTokenizer } from '../../src/tokenize/index.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpus = resolve(repo, '../shared/corpus');
const PARSER = join(repo, 'src/normalize/prompt/index.ts');

/**
 * Codes each file must produce, read off MANIFEST.tsv by hand (the column is prose). Notes on what is
 * deliberately absent: trailing whitespace in comments or sample blocks never renders (dotprompt,
 * prompty samples); a tools file's own JSON formatting never reaches the model (claude_for_chrome);
 * key-set differences are not key-order drift (replit, manus, claude_for_chrome); and values in a user
 * turn after the cacheable region cost nothing (dotprompt_handlebars_helpers). A variable that a more
 * specific rule reports (a user name: KV104) is one finding under that rule, naming KV106 in its message
 * (the prompty files).
 * `null`: not a prompt on its own (read through the file that references it).
 */
const EXPECTED: Record<string, string[] | null> = {
  'prompts/amp_claude4_thread.yaml': ['KV101', 'KV103', 'KV104', 'KV105'],
  'prompts/anthropic_official_opus3_2024-07-12.md': ['KV102'],
  'prompts/anthropic_official_opus45_2025-11-24.md': ['KV102'],
  'prompts/claude_code_opus48_env.md': ['KV101', 'KV104', 'KV105'],
  'prompts/claude_code_prompt.txt': ['KV101', 'KV105'],
  'prompts/cline_prompt.txt': ['KV105', 'KV402'],
  'prompts/codebuddy_chat_crlf.txt': ['KV102', 'KV105', 'KV401'],
  'prompts/cursor_agent_cli_2025-08-07.txt': ['KV101', 'KV105'],
  'prompts/devin_deepwiki_trailing_ws.txt': ['KV101', 'KV402'],
  'prompts/dotprompt_features.prompt': ['KV106'],
  'prompts/dotprompt_handlebars_helpers.prompt': [],
  'prompts/dotprompt_kitchen_sink.prompt': ['KV106'],
  'prompts/dotprompt_multi_turn_history.prompt': [],
  'prompts/fastchat_judge_prompts.jsonl': [],
  'prompts/langchain_examples.json': null,
  'prompts/langchain_few_shot_prompt.yaml': ['KV203'],
  'prompts/langchain_simple_chat_prompt.json': [],
  'prompts/lovable_agent.txt': ['KV101'],
  'prompts/notion_ai_prompt.txt': ['KV101'],
  'prompts/openhands_additional_info.j2': ['KV102', 'KV105', 'KV205'],
  'prompts/openhands_icl_example.j2': [],
  'prompts/openhands_system_prompt.j2': [],
  'prompts/perplexity_crlf.txt': ['KV101', 'KV401'],
  'prompts/prompty_basic.prompty': ['KV104'],
  'prompts/prompty_socrates.prompty': ['KV104'],
  'prompts/prompty_tools_function.prompty': [],
  'prompts/vscode_agent_gpt41.txt': ['KV101'],
  'prompts/xcode_document_action.txt': ['KV106'],
  'prompts/xcode_system.txt': [],
  'tools/bfcl_live_parallel.jsonl': ['KV202'],
  'tools/bfcl_travel_booking_funcs.jsonl': [],
  'tools/claude_code_tools.json': ['KV201'],
  'tools/claude_for_chrome_tools.json': ['KV302'],
  'tools/cursor_agent_tools_v1.json': ['KV201'],
  'tools/ghmcp_create_pull_request.snap': [],
  'tools/ghmcp_issue_write.snap': [],
  'tools/ghmcp_projects_write.snap': [],
  'tools/manus_tools.json': ['KV201'],
  'tools/replit_tools.json': ['KV201'],
  'tools/v0_tools.json': ['KV201'],
};

/** Static controls: no error-severity finding (for the multi-turn dotprompt, in its system part). */
const CONTROLS: Record<string, (d: Diagnostic) => boolean> = {
  'prompts/xcode_system.txt': () => true,
  'prompts/dotprompt_multi_turn_history.prompt': (d) => d.segment?.startsWith('system') ?? false,
  'prompts/langchain_simple_chat_prompt.json': () => true,
  'tools/ghmcp_issue_write.snap': () => true,
  'prompts/openhands_icl_example.j2': () => true,
};

describe.skipIf(!existsSync(corpus) || !existsSync(PARSER))('rules on the shared corpus', async () => {
  const { parsePrompt } = (await import(PARSER)) as { parsePrompt: (f: SourceFile) => PromptDoc };
  const tokenizer = await loadTokenizer('claude-sonnet-4-5');
  const rules = loadRules();
  const lint = (rel: string): Diagnostic[] => {
    const doc = parsePrompt(makeSourceFile(rel, readFileSync(join(corpus, rel), 'utf8')));
    return lintPrompt(doc, rules, new Map(), { tokenizer });
  };

  it('has an expectation for every corpus prompt and tool file, each with a MANIFEST row', () => {
    const files = ['prompts', 'tools'].flatMap((d) => readdirSync(join(corpus, d)).map((f) => `${d}/${f}`)).sort();
    expect(Object.keys(EXPECTED).sort()).toEqual(files);
    const manifest = readFileSync(join(corpus, 'MANIFEST.tsv'), 'utf8');
    for (const f of files) expect(manifest, f).toContain(`${f}\t`);
  });

  for (const [rel, expected] of Object.entries(EXPECTED)) {
    if (expected === null) continue;
    it(`${rel}: finds ${expected.length ? expected.join(', ') : 'no required code'}`, () => {
      const found = new Set(lint(rel).map((d) => d.code));
      for (const code of expected) expect([...found], `${rel} should report ${code}`).toContain(code);
    });
  }

  it('folds KV106 into the KV104 finding on the same placeholder of the prompty files', () => {
    for (const rel of ['prompts/prompty_basic.prompty', 'prompts/prompty_socrates.prompty']) {
      const kv104 = lint(rel).find((d) => d.code === 'KV104' && d.alsoRules !== undefined);
      expect(kv104?.alsoRules, rel).toEqual(['no-volatile-before-stable']);
      expect(kv104?.message, rel).toContain('(also no-volatile-before-stable)');
    }
  });

  for (const [rel, inScope] of Object.entries(CONTROLS)) {
    it(`${rel}: static control gets no error`, () => {
      const errors = lint(rel).filter((d) => d.severity === 'error' && inScope(d));
      expect(errors.map((d) => `${d.code} ${d.line}:${d.column} ${d.message}`)).toEqual([]);
    });
  }
});
