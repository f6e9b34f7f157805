import { describe, expect, it } from 'vitest';
import { sniffPrompt } from '../../../src/normalize/prompt/index.js';

describe('sniffPrompt', () => {
  it.each([
    ['a.j2', 'x', 'jinja'],
    ['a.jinja2', 'x', 'jinja'],
    ['a.hbs', 'x', 'handlebars'],
    ['a.mustache', 'x', 'mustache'],
    ['a.prompt', 'x', 'dotprompt'],
    ['a.prompty', 'x', 'prompty'],
    ['a.txt', 'plain', 'text'],
    ['a.md', '# title', 'markdown'],
    ['a.md', '{{#each xs}}{{this}}{{/each}}', 'handlebars'],
    ['a.txt', '{%- for x in xs %}{{ x }}{% endfor %}', 'jinja'],
    ['noext', 'You are helpful.', 'text'],
  ] as const)('%s with %j → %s', (p, text, expected) => {
    expect(sniffPrompt(p, text)).toBe(expected);
  });

  it('classifies JSON and YAML by shape', () => {
    expect(sniffPrompt('t.json', '[{"name":"a","input_schema":{}}]')).toBe('anthropic-tools');
    expect(sniffPrompt('t.json', '{"tools":[{"name":"a","inputSchema":{}}]}')).toBe('mcp-tools');
    expect(sniffPrompt('t.json', '{"jsonrpc":"2.0","id":1,"result":{"tools":[]}}')).toBe('mcp-tools');
    expect(sniffPrompt('t.snap', '{"name":"a","inputSchema":{"type":"object"}}')).toBe('mcp-tools');
    expect(sniffPrompt('t.json', '[{"type":"function","function":{"name":"f"}}]')).toBe('openai-tools');
    expect(sniffPrompt('t.yaml', 'system: hi\nmessages:\n  - role: user\n    content: yo\n')).toBe('request');
    expect(sniffPrompt('t.json', '{"model":"gpt-4o","messages":[{"role":"system","content":"x"}]}')).toBe('request');
    expect(sniffPrompt('t.yml', '_type: prompt\ntemplate: hi {x}\n')).toBe('langchain');
    expect(sniffPrompt('bfcl.json', '{"id":1,"function":[{"name":"f","parameters":{}}]}\n{"id":2,"function":[{"name":"g","parameters":{}}]}\n')).toBe('tools-jsonl');
    expect(sniffPrompt('j.jsonl', '{"system_prompt":"s","prompt_template":"{q}"}\n')).toBe('prompts-jsonl');
  });

  it('returns undefined for JSON and YAML that is not a prompt', () => {
    expect(sniffPrompt('package.json', '{"name":"x","version":"1.0.0"}')).toBeUndefined();
    expect(sniffPrompt('c.yaml', 'interactions:\n  - request:\n      body: "{}"\n')).toBeUndefined();
    expect(sniffPrompt('span.json', '{"name":"chat","attributes":{"gen_ai.system":"openai"}}')).toBeUndefined();
    expect(sniffPrompt('log.jsonl', '{"type":"user","message":{"role":"user","content":"hi"}}\n')).toBeUndefined();
    expect(sniffPrompt('conv.json', '[{"role":"user","content":"hi"}]')).toBeUndefined();
    expect(sniffPrompt('broken.json', '{"a": ')).toBeUndefined();
    expect(sniffPrompt('x.har', '{"log":{}}')).toBeUndefined();
  });
});
