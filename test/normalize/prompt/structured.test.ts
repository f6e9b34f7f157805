import { describe, expect, it } from 'vitest';
import { KvlintError } from '../../../src/errors.js';
import { parsePrompt } from '../../../src/normalize/prompt/index.js';
import { fixture, inFile, seg, source, summary, where } from './helpers.js';

describe('langchain', () => {
  it('reads _type: prompt with jinja2 format from a literal block scalar', () => {
    const doc = parsePrompt(fixture('templates/lc_prompt.yaml'));
    expect(doc.format).toBe('langchain-prompt');
    expect(doc.syntax).toBe('jinja');
    const s = seg(doc, 'template');
    expect(summary(s)).toBe('system/system/template');
    expect(s.text).toBe('Tell me about {{ topic }}.\nBe brief.\n');
    expect(where(doc, s, '{{ topic }}')).toBe('5:17');
    expect(where(doc, s, 'Be brief')).toBe('6:24');
  });

  it('maps chat roles, renders partial variables and f-string escapes', () => {
    const doc = parsePrompt(fixture('templates/lc_chat.json'));
    expect(doc.format).toBe('langchain-chat');
    expect(doc.segments.map(summary)).toEqual(['system/system/system', 'messages/user/messages[1] user', 'messages/assistant/messages[2] assistant']);
    const sys = seg(doc, 'system');
    expect(sys.text).toBe('Be dry. Braces {like this} are literal.');
    expect(sys.placeholders).toBeUndefined();
    // the partial's value maps to where it is written; text after it maps back into the template
    expect(where(doc, sys, 'dry')).toBe(inFile(doc.file, 'dry'));
    expect(where(doc, sys, 'are literal')).toBe(inFile(doc.file, 'are literal'));
    expect(where(doc, sys, 'this}')).toBe(inFile(doc.file, 'this}}'));
    expect(seg(doc, 'messages[1] user').placeholders).toEqual([{ start: 14, end: 21, expr: 'topic', kind: 'variable' }]);
    expect(doc.notes).toContain('partial variables rendered as fixed text: tone');
  });

  it('renders inline few-shot examples between prefix and suffix', () => {
    const doc = parsePrompt(fixture('templates/lc_few_shot_inline.yaml'));
    expect(doc.segments.map(summary)).toEqual([
      'system/system/prefix',
      'system/example/examples[0]',
      'system/example/examples[1]',
      'system/system/suffix',
    ]);
    const ex = seg(doc, 'examples[1]');
    expect(ex.text).toBe('Input: tall\nOutput: short');
    expect(ex.placeholders).toBeUndefined();
    expect(where(doc, ex, 'tall')).toBe(inFile(doc.file, 'tall'));
    expect(where(doc, ex, 'short')).toBe(inFile(doc.file, 'short'));
    const suffix = seg(doc, 'suffix');
    expect(where(doc, suffix, 'Output')).toBe('11:30');
  });

  it('turns an example selector into a block placeholder', () => {
    const doc = parsePrompt(fixture('templates/lc_few_shot_selector.json'));
    const s = seg(doc, 'example_selector');
    expect(s.role).toBe('example');
    expect(s.placeholders).toEqual([{ start: 0, end: 16, expr: 'example_selector', kind: 'block' }]);
  });

  it('rejects an unknown _type with KVE306', () => {
    expect(() => parsePrompt(source('x.json', '{"_type": "chat", "template": [{"role": "system"}]}'), 'langchain')).toThrow(KvlintError);
    expect(() => parsePrompt(source('x.yaml', '_type: other'), 'langchain')).toThrow(/unknown LangChain _type/);
  });
});

describe('request-shaped files', () => {
  it('puts an Anthropic body in render order whatever its key order', () => {
    const doc = parsePrompt(fixture('templates/anthropic_request.json'));
    expect(doc.format).toBe('request');
    expect(doc.provider).toBe('anthropic');
    expect(doc.model).toBe('claude-sonnet-4-5');
    expect(doc.autoCache).toBe(true);
    expect(doc.segments.map(summary)).toEqual([
      'tools/tool/tools[0] b_tool',
      'tools/tool/tools[1] a_tool',
      'system/system/system[0]',
      'system/system/system[1]',
      'messages/user/messages[0].content[0] user',
      'messages/assistant/messages[1] assistant',
    ]);
    expect(doc.segments.map((s) => s.cacheMarker)).toEqual([undefined, {}, undefined, {}, { ttl: '1h' }, undefined]);
  });

  it('serializes tools in source key order without cache_control, mapped to the file', () => {
    const doc = parsePrompt(fixture('templates/anthropic_request.json'));
    const a = seg(doc, 'tools[1] a_tool');
    expect(a.text).toBe('{"name":"a_tool","description":"First","input_schema":{"type":"object"}}');
    expect(a.value).toEqual({ name: 'a_tool', description: 'First', input_schema: { type: 'object' } });
    expect(Object.keys(a.value as object)).toEqual(['name', 'description', 'input_schema']);
    const b = seg(doc, 'tools[0] b_tool');
    expect(b.text).toContain('"Second\\tin name order"');
    expect(where(doc, b, 'in name order')).toBe(inFile(doc.file, 'in name order'));
  });

  it('decodes escapes in string values and keeps positions after them', () => {
    const doc = parsePrompt(fixture('templates/anthropic_request.json'));
    const s0 = seg(doc, 'system[0]');
    expect(s0.text).toBe('Static rules.\n"Quoted" line');
    expect(where(doc, s0, 'line')).toBe(inFile(doc.file, 'line"'));
    expect(where(doc, s0, 'Quoted')).toBe(inFile(doc.file, 'Quoted'));
  });

  it('reads an OpenAI body: developer role is system level, a late system message is not', () => {
    const doc = parsePrompt(fixture('templates/openai_request.yaml'));
    expect(doc.provider).toBe('openai');
    expect(doc.segments.map(summary)).toEqual([
      'tools/tool/tools[0] search',
      'system/developer/messages[0] developer',
      'messages/user/messages[1] user',
      'messages/system/messages[2] system',
    ]);
    const dev = seg(doc, 'messages[0] developer');
    expect(dev.text).toBe('You are terse.\nNever guess.\n');
    expect(where(doc, dev, 'Never')).toBe('14:7');
    const tool = seg(doc, 'tools[0] search');
    expect(tool.text).toBe('{"type":"function","function":{"name":"search","description":"Search the web for pages.","parameters":{"type":"object"}}}');
    expect(where(doc, tool, 'for pages')).toBe('8:9');
  });
});

describe('tool files', () => {
  it('reads OpenAI function tools one segment each, escapes mapped', () => {
    const doc = parsePrompt(fixture('tools/openai_tools.json'));
    expect(doc.kind).toBe('tools');
    expect(doc.format).toBe('openai-tools');
    expect(doc.segments.map(summary)).toEqual(['tools/tool/tools[0] get_weather', 'tools/tool/tools[1] get_time']);
    const t = seg(doc, 'tools[0] get_weather');
    expect(JSON.parse(t.text)).toEqual(t.value);
    expect(where(doc, t, 'in °C')).toBe(inFile(doc.file, 'in °C'));
    expect(where(doc, t, 'city\\"')).toBe(inFile(doc.file, 'city\\"'));
  });

  it('reads a JSON-RPC tools/list result', () => {
    const doc = parsePrompt(fixture('tools/mcp_tools_list.json'));
    expect(doc.format).toBe('mcp-tools-list');
    expect(doc.segments.map((s) => s.label)).toEqual(['tools[0] read_file', 'tools[1] write_file']);
  });

  it('maps literal and folded block scalars line by line', () => {
    const doc = parsePrompt(fixture('tools/anthropic_tools.yaml'));
    expect(doc.format).toBe('anthropic-tools');
    const bash = seg(doc, 'tools[0] Bash');
    expect((bash.value as { description: string }).description).toBe('Runs a command.\n  Indented example line.\nLast line.\n');
    expect(where(doc, bash, 'Indented')).toBe('5:9');
    expect(where(doc, bash, 'Last line')).toBe('6:7');
    const edit = seg(doc, 'tools[1] Edit');
    expect((edit.value as { description: string }).description).toBe('Folded text joins lines.\n');
    expect(where(doc, edit, 'joins')).toBe('12:7');
  });

  it('never lets __proto__ or constructor keys reach a prototype', () => {
    const doc = parsePrompt(fixture('tools/proto_pollution.json'));
    const v = seg(doc, 'tools[0] evil').value as { input_schema: Record<string, unknown> };
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(v.input_schema)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(v.input_schema, '__proto__')).toBe(true);
    expect((v.input_schema as { polluted?: unknown }).polluted).toBeUndefined();
    expect(JSON.parse(seg(doc, 'tools[0] evil').text)).toEqual(JSON.parse(doc.file.text)[0]);
  });

  it('refuses a YAML alias bomb with KVE306', () => {
    try {
      parsePrompt(fixture('tools/alias_bomb.yaml'), 'request');
      expect.unreachable();
    } catch (e) {
      expect((e as KvlintError).code).toBe('KVE306');
      expect((e as KvlintError).message).toMatch(/alias/);
    }
  });

  it('reports malformed JSON with its line', () => {
    try {
      parsePrompt(source('t.json', '[\n {"name": "a",\n  "parameters": {]\n]'), 'openai-tools');
      expect.unreachable();
    } catch (e) {
      expect((e as KvlintError).code).toBe('KVE306');
      expect((e as KvlintError).line).toBe(3);
    }
  });
});

describe('JSON Lines', () => {
  it('gives every record of a tool-set file its own group', () => {
    const doc = parsePrompt(fixture('tools/tool_sets.jsonl'));
    expect(doc.format).toBe('tools-jsonl');
    expect(doc.segments.map((s) => [s.label, s.group])).toEqual([
      ['tools[0] alpha', 'line 1'],
      ['tools[1] beta', 'line 1'],
      ['tools[0] beta', 'line 3'],
    ]);
    expect(where(doc, doc.segments[2]!, 'beta')).toBe('3:41');
  });

  it('reads prompt-template records as system and user segments per line', () => {
    const doc = parsePrompt(fixture('tools/prompts.jsonl'));
    expect(doc.format).toBe('prompts-jsonl');
    expect(doc.segments.map((s) => `${summary(s)}#${s.group}`)).toEqual([
      'system/system/line 1 system_prompt#line 1',
      'messages/user/line 1 prompt_template#line 1',
      'system/system/line 2 system_prompt#line 2',
      'messages/user/line 2 prompt_template#line 2',
    ]);
    const t = seg(doc, 'line 1 prompt_template');
    expect(t.text).toBe('[Question]\n{question}\n[Answer]\n{answer}\nReply {"score": n}');
    expect(t.placeholders?.map((p) => p.expr)).toEqual(['question', 'answer']);
    expect(where(doc, t, '{answer}')).toBe(inFile(doc.file, '{answer}'));
    expect(where(doc, t, 'score')).toBe(inFile(doc.file, 'score'));
  });

  it('names the line of a record that is not JSON', () => {
    try {
      parsePrompt(source('p.jsonl', '{"system_prompt": "a"}\n{oops\n'), 'prompts-jsonl');
      expect.unreachable();
    } catch (e) {
      expect((e as KvlintError).code).toBe('KVE306');
      expect((e as KvlintError).line).toBe(2);
    }
  });
});

describe('unknown formats', () => {
  it('throws KVE305 for JSON that is no prompt', () => {
    try {
      parsePrompt(source('package.json', '{"name": "x", "version": "1.0.0"}'));
      expect.unreachable();
    } catch (e) {
      expect((e as KvlintError).code).toBe('KVE305');
    }
  });
});
