import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/load.js';
import { KvlintError } from '../../src/errors.js';

const fixture = (p: string) => fileURLToPath(new URL(`../../fixtures/config/${p}`, import.meta.url));

/** The KvlintError parseConfig throws for `text`. */
function errorOf(text: string, file = 'kvlint.config.yaml'): KvlintError {
  try {
    parseConfig(text, file);
  } catch (err) {
    if (err instanceof KvlintError) return err;
    throw err;
  }
  throw new Error('expected a KvlintError');
}

describe('loadConfig', () => {
  it('reads every key of a full YAML config', async () => {
    const path = fixture('full/kvlint.config.yaml');
    const c = await loadConfig(path);
    expect(c.file).toBe(path);
    expect(c.extends).toBe('recommended');
    expect(c.provider).toBe('anthropic');
    expect(c.model).toBe('claude-sonnet-4-5');
    expect(c.ignores).toEqual(['vendor/**', '*.bak']);
    expect(c.rules.map((r) => [r.name, r.severity, r.key, r.line])).toEqual([
      ['KV101', 'error', 'rules.KV101', 9],
      ['no-trailing-whitespace', 'warning', 'rules.no-trailing-whitespace', 10],
      ['KV303', 'error', 'rules.KV303', 11],
      ['KV406', 'off', 'rules.KV406', 12],
    ]);
    expect({ ...c.rules[2]!.options }).toEqual({ max: 4 });
    expect(c.overrides).toHaveLength(2);
    expect(c.overrides[0]!.files).toEqual(['prompts/legacy/**', '!prompts/legacy/keep.md']);
    expect(c.overrides[0]!.rules[0]).toMatchObject({ name: 'KV101', severity: 'warning', key: 'overrides[0].rules.KV101', line: 16 });
    expect(c.overrides[1]).toMatchObject({ files: ['**/*.jinja'], rules: [], provider: 'openai', model: 'gpt-4.1' });
    expect(JSON.parse(JSON.stringify(c.prices))).toEqual({ 'claude-sonnet-4-5': { input: 3, cacheRead: 0.3 } });
    expect(c.limits).toEqual({ maxFileSize: 2 * 1024 * 1024 });
  });

  it('reads JSON (tab-indented) and package.json#kvlint', async () => {
    const json = await loadConfig(fixture('json/.kvlintrc.json'));
    expect(json.rules[0]).toMatchObject({ name: 'KV102', severity: 'warning', line: 3 });
    expect(json.rules[0]!.options?.extra).toEqual(['strftime']);
    expect(json.overrides[0]!.files).toEqual(['tools/*.json']);
    const pkg = await loadConfig(fixture('package-json/package.json'));
    expect(pkg.extends).toBe('all');
    expect(pkg.rules[0]).toMatchObject({ name: 'KV999', key: 'kvlint.rules.KV999', line: 7 });
  });

  it('reports an unreadable file as KVE201', async () => {
    await expect(loadConfig(fixture('nope/kvlint.config.yaml'))).rejects.toMatchObject({ code: 'KVE201', message: expect.stringContaining('no such file') });
  });

  it('accepts an empty file or one with only comments', () => {
    expect(parseConfig('', 'k.yaml')).toMatchObject({ extends: 'recommended', rules: [], overrides: [], ignores: [] });
    expect(parseConfig('# nothing yet\n', 'k.yaml').rules).toEqual([]);
  });
});

describe('config errors name the file and line', () => {
  const cases: [name: string, text: string, line: number, message: string][] = [
    ['unknown top-level key, with a suggestion', 'extends: all\nrule:\n  KV101: off\n', 2, "kvlint.config.yaml:2: rule: unknown key; did you mean 'rules'?"],
    ['bad severity', 'rules:\n  KV101: fatal\n', 2, "kvlint.config.yaml:2: rules.KV101: severity must be off, info, warn, warning or error, got 'fatal'"],
    ['numeric severity', 'rules:\n  KV101: 2\n', 2, 'rules.KV101: severity must be off, info, warn, warning or error, got 2'],
    ['options not a mapping', 'rules:\n  KV101: [error, 3]\n', 2, 'rules.KV101: options must be a mapping, got 3'],
    ['too many items', 'rules:\n  KV101: [error, {}, {}]\n', 2, 'rules.KV101: must be a severity or [severity, {options}]'],
    ['rules not a mapping', 'rules: [KV101]\n', 1, 'rules: must be a mapping, got a list'],
    ['bad extends', 'extends: strict\n', 1, "extends: must be recommended or all, got 'strict'"],
    ['empty provider', "provider: ''\n", 1, "provider: must be a non-empty string, got ''"],
    ['override without files', 'overrides:\n  - rules:\n      KV101: off\n', 2, 'overrides[0]: needs a files glob'],
    ['override unknown key', "overrides:\n  - files: '*.md'\n    rule: {}\n", 3, "overrides[0].rule: unknown key; did you mean 'rules'?"],
    ['override files empty', 'overrides:\n  - files: []\n', 2, 'overrides[0].files: must list at least one glob'],
    ['override files not strings', 'overrides:\n  - files: [1]\n', 2, 'overrides[0].files[0]: must be a non-empty string, got 1'],
    ['overrides not a list', 'overrides: {files: x}\n', 1, 'overrides: must be a list'],
    ['prices not a mapping', 'prices: 3\n', 1, 'prices: must be a mapping'],
    ['unknown limit', 'limits:\n  maxFileSise: 10\n', 2, "limits.maxFileSise: unknown key; did you mean 'maxFileSize'?"],
    ['bad size', 'limits:\n  maxFileSize: -1\n', 2, 'limits.maxFileSize: must be a positive number of bytes'],
    ['not a mapping', '- a\n- b\n', 1, 'a config must be a mapping'],
    ['YAML syntax: tab indent', 'rules:\n\tKV101: off\n', 2, 'kvlint.config.yaml:2: Tabs are not allowed as indentation'],
    ['YAML syntax: unclosed list, found at the end', 'rules:\n  KV101: error\n  KV102: [error\n', 4, 'must be sufficiently indented and end with a ]'],
    ['duplicate key', 'rules:\n  KV101: error\n  KV101: off\n', 3, 'unique'],
    ['unresolved tag', 'provider: !env PROVIDER\n', 1, 'kvlint.config.yaml:1:'],
    ['binary value in options', 'rules:\n  KV101: [error, {x: !!binary aGVsbG8=}]\n', 2, 'rules.KV101[1].x: unsupported value'],
    ['complex key', 'rules:\n  ? [a, b]\n  : off\n', 2, 'rules: keys must be plain strings'],
  ];
  for (const [name, text, line, message] of cases) {
    it(name, () => {
      const err = errorOf(text);
      expect(err.code).toBe('KVE201');
      expect(err.file).toBe('kvlint.config.yaml');
      expect(err.message).toContain(message);
      expect(err.line).toBe(line);
      expect(err.message.startsWith(`kvlint.config.yaml:${line}: `)).toBe(true);
    });
  }

  it('lists the valid keys in the hint', () => {
    expect(errorOf('colour: true\n').hint).toBe('valid keys: extends, provider, model, ignores, rules, overrides, prices, limits, assert');
  });

  it('names package.json keys under kvlint and refuses a package.json without one', () => {
    expect(errorOf('{\n  "kvlint": {\n    "rule": {}\n  }\n}\n', 'package.json').message).toBe(
      "package.json:3: kvlint.rule: unknown key; did you mean 'rules'?",
    );
    expect(errorOf('{"name": "x"}', 'package.json').message).toContain("no 'kvlint' key");
  });

  it('stops an alias bomb', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    bomb.push('prices:\n  m: *h');
    const err = errorOf(`${bomb.join('\n')}\n`);
    expect(err.code).toBe('KVE201');
    expect(err.message).toMatch(/refusing a possible alias bomb/);
  });

  it('accepts many harmless aliases (size, not count, is bounded)', () => {
    const rows = Array.from({ length: 150 }, (_, i) => `  m${i}: *b`);
    const c = parseConfig(`prices:\n  base: &b {input: 3, cache_read: 0.3}\n${rows.join('\n')}\n`, 'k.yaml');
    expect(Object.keys(c.prices ?? {})).toHaveLength(151);
  });

  it('follows a harmless alias and keeps its values', () => {
    const c = parseConfig('prices:\n  base: &b {input: 3}\n  other: *b\n', 'k.yaml');
    expect(JSON.parse(JSON.stringify(c.prices))).toEqual({ base: { input: 3 }, other: { input: 3 } });
  });
});

describe('prototype safety', () => {
  it('keeps __proto__, constructor and prototype keys as plain data', () => {
    const c = parseConfig(
      [
        'prices:',
        '  __proto__: {polluted: yes}',
        '  constructor: {prototype: {polluted: yes}}',
        'rules:',
        '  KV101: [error, {__proto__: {polluted: true}, prototype: 1}]',
      ].join('\n'),
      'k.yaml',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    const prices = c.prices!;
    expect(Object.getPrototypeOf(prices)).toBeNull();
    expect(Object.keys(prices)).toEqual(['__proto__', 'constructor']);
    expect((prices.__proto__ as Record<string, unknown>).polluted).toBe('yes');
    const opts = c.rules[0]!.options!;
    expect(Object.getPrototypeOf(opts)).toBeNull();
    expect(Object.keys(opts)).toEqual(['__proto__', 'prototype']);
    expect((opts as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('rejects __proto__ as a top-level key instead of assigning it', () => {
    expect(errorOf('__proto__: {rules: {}}\n').message).toContain('__proto__: unknown key');
  });
});
