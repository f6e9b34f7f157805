import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { resolveForFile, validateRuleNames, type RuleInfo } from '../../src/config/resolve.js';
import { KvlintError } from '../../src/errors.js';

const RULES: RuleInfo[] = [
  { id: 'no-timestamp-in-prefix', code: 'KV101', severity: 'error', recommended: true },
  { id: 'no-user-data-in-prefix', code: 'KV104', severity: 'warning', recommended: true },
  { id: 'require-sorted-tools', code: 'KV201', severity: 'warning', recommended: true },
  { id: 'no-trailing-whitespace', code: 'KV402', severity: 'info', recommended: false },
];

const config = (text: string) => parseConfig(text, 'kvlint.config.yaml');
const severities = (settings: Map<string, { severity: string }>) => Object.fromEntries([...settings].map(([id, s]) => [id, s.severity]));

describe('resolveForFile', () => {
  it('without a config runs the recommended rules at their default severity', () => {
    const r = resolveForFile(undefined, 'a.md', RULES);
    expect(severities(r.settings)).toEqual({
      'no-timestamp-in-prefix': 'error',
      'no-user-data-in-prefix': 'warning',
      'require-sorted-tools': 'warning',
      'no-trailing-whitespace': 'off',
    });
    expect(r.provider).toBeUndefined();
  });

  it('extends: all turns every rule on', () => {
    expect(resolveForFile(config('extends: all'), 'a.md', RULES).settings.get('no-trailing-whitespace')).toEqual({ severity: 'info' });
  });

  it('applies rules by id or code, in any case for codes', () => {
    const c = config('rules:\n  kv101: warn\n  no-user-data-in-prefix: off\n  KV402: error\n');
    expect(severities(resolveForFile(c, 'a.md', RULES).settings)).toEqual({
      'no-timestamp-in-prefix': 'warning',
      'no-user-data-in-prefix': 'off',
      'require-sorted-tools': 'warning',
      'no-trailing-whitespace': 'error',
    });
  });

  it('applies matching overrides in order, the last match winning, with provider and model', () => {
    const c = config(
      [
        'provider: anthropic',
        'model: claude-sonnet-4-5',
        'rules:',
        '  KV101: [error, {allow: [copyright]}]',
        'overrides:',
        '  - files: "prompts/**"',
        '    rules: {KV101: warn, KV201: off}',
        '    model: claude-haiku-4-5',
        '  - files: ["*.jinja", "!prompts/keep/**"]',
        '    rules: {KV101: [info, {allow: []}]}',
        '    provider: openai',
      ].join('\n'),
    );
    const base = resolveForFile(c, 'tools/a.json', RULES);
    expect(base.settings.get('no-timestamp-in-prefix')).toEqual({ severity: 'error', options: { allow: ['copyright'] } });
    expect([base.provider, base.model]).toEqual(['anthropic', 'claude-sonnet-4-5']);

    const first = resolveForFile(c, 'prompts/a.md', RULES);
    // A bare severity keeps the options set earlier.
    expect(first.settings.get('no-timestamp-in-prefix')).toEqual({ severity: 'warning', options: { allow: ['copyright'] } });
    expect(first.settings.get('require-sorted-tools')).toEqual({ severity: 'off' });
    expect([first.provider, first.model]).toEqual(['anthropic', 'claude-haiku-4-5']);

    const both = resolveForFile(c, 'prompts/x/a.jinja', RULES);
    expect(both.settings.get('no-timestamp-in-prefix')).toEqual({ severity: 'info', options: { allow: [] } });
    expect([both.provider, both.model]).toEqual(['openai', 'claude-haiku-4-5']);

    const excluded = resolveForFile(c, 'prompts/keep/a.jinja', RULES);
    expect(excluded.settings.get('no-timestamp-in-prefix')?.severity).toBe('warning');
    expect(excluded.provider).toBe('anthropic');
  });

  it('does not let one file’s result leak into another', () => {
    const c = config('overrides:\n  - files: "*.md"\n    rules: {KV101: off}\n');
    expect(resolveForFile(c, 'a.md', RULES).settings.get('no-timestamp-in-prefix')?.severity).toBe('off');
    expect(resolveForFile(c, 'a.txt', RULES).settings.get('no-timestamp-in-prefix')?.severity).toBe('error');
  });
});

describe('validateRuleNames', () => {
  function errorOf(text: string): KvlintError {
    try {
      validateRuleNames(config(text), RULES);
    } catch (err) {
      if (err instanceof KvlintError) return err;
      throw err;
    }
    throw new Error('expected a KvlintError');
  }

  it('accepts known ids and codes', () => {
    expect(() => validateRuleNames(config('rules:\n  KV101: off\n  require-sorted-tools: error\n'), RULES)).not.toThrow();
  });

  it('reports an unknown rule with KVE203, file, line and a suggestion', () => {
    const err = errorOf('extends: all\nrules:\n  KV101: off\n  KV999: error\n');
    expect(err.code).toBe('KVE203');
    expect(err.message).toBe('kvlint.config.yaml:4: rules.KV999: unknown rule');
    expect([err.file, err.line]).toEqual(['kvlint.config.yaml', 4]);
    expect(errorOf('rules:\n  no-timestamp-in-prefx: off\n').message).toBe(
      "kvlint.config.yaml:2: rules.no-timestamp-in-prefx: unknown rule; did you mean 'no-timestamp-in-prefix'?",
    );
  });

  it('checks override rules too', () => {
    const err = errorOf('overrides:\n  - files: "*.md"\n    rules:\n      KV102: off\n');
    expect(err.message).toBe("kvlint.config.yaml:4: overrides[0].rules.KV102: unknown rule; did you mean 'KV101'?");
  });

  it('refuses one rule named twice by id and code', () => {
    const err = errorOf('rules:\n  KV101: off\n  no-timestamp-in-prefix: error\n');
    expect(err.code).toBe('KVE201');
    expect(err.message).toBe('kvlint.config.yaml:3: rules.no-timestamp-in-prefix: same rule as rules.KV101 (line 2)');
  });

  it('never resolves names through the prototype chain', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(errorOf(`rules:\n  ${name}: off\n`).code).toBe('KVE203');
    }
  });

  it('resolveForFile also refuses unknown names when called without validation', () => {
    expect(() => resolveForFile(config('rules:\n  KV999: off\n'), 'a.md', RULES)).toThrow(/KV999: unknown rule/);
  });
});
