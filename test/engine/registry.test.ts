import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KvlintError } from '../../src/errors.js';
import { defaultRulesDir, loadRuleFile, loadRules, ruleIndex } from '../../src/engine/registry.js';

const GOOD = readFileSync(join(defaultRulesDir(), 'no-crlf.yaml'), 'utf8');

/** Writes a rule file under a fresh dir and returns the KvlintError loading it throws (or undefined). */
function loadError(name: string, text: string): KvlintError | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'kvlint-rules-'));
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  try {
    loadRuleFile(file);
    return undefined;
  } catch (e) {
    if (e instanceof KvlintError) return e;
    throw e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('loadRules', () => {
  it('loads every built-in rule, sorted by code, with unique ids and codes', () => {
    const rules = loadRules();
    expect(rules.length).toBe(26);
    const codes = rules.map((r) => r.code);
    expect(codes).toEqual([...codes].sort());
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
  });

  it('caches the loaded set per directory', () => {
    expect(loadRules()).toBe(loadRules(defaultRulesDir()));
  });

  it('resolves ids and codes (any case)', () => {
    const find = ruleIndex(loadRules());
    expect(find('KV401')?.id).toBe('no-crlf');
    expect(find('kv401')?.id).toBe('no-crlf');
    expect(find('no-crlf')?.code).toBe('KV401');
    expect(find('KV999')).toBeUndefined();
  });

  it('accepts a valid rule file', () => {
    expect(loadError('no-crlf', GOOD)).toBeUndefined();
  });

  const cases: Array<[string, string, string, RegExp, number]> = [
    ['unknown key', 'no-crlf', GOOD.replace('positional: true', 'positional: true\nfoo: 1'), /unknown key 'foo'/, 11],
    ['keys out of order', 'no-crlf', GOOD.replace('severity: warning\n', '').replace('recommended: true', 'recommended: true\nseverity: warning'), /must come before/, 5],
    ['id differs from file name', 'no-cr', GOOD, /must equal the file name/, 1],
    ['wrong type', 'no-crlf', GOOD.replace('recommended: true', 'recommended: yes please'), /'recommended' must be true or false/, 5],
    ['unknown check', 'no-crlf', GOOD.replace('check: line-endings', 'check: line-ending'), /unknown check 'line-ending'/, 9],
    ['category does not match the code', 'no-crlf', GOOD.replace('category: hygiene', 'category: waste'), /does not match code KV401/, 3],
    ['unknown messageId', 'no-crlf', GOOD.replace('  crlf: "', '  crlfs: "'), /message 'crlfs' is not one check/, 12],
    ['unknown message placeholder', 'no-crlf', GOOD.replace('{{count}} CRLF', '{{n}} CRLF'), /uses \{\{n\}\}/, 12],
    ['bad option', 'no-crlf', GOOD.replace('positional: true', 'with:\n  strict: true\npositional: true'), /unknown option 'strict'/, 10],
    ['invalid YAML', 'no-crlf', GOOD.replace('code: KV401', 'code: [KV401'), /invalid YAML/, 3],
    ['bad docs example', 'no-crlf', GOOD.replace('    file: system.txt\n', '    file: system\n'), /needs an extension/, 18],
    ['fixable rule without fix', 'no-crlf', GOOD.replace(/^fix: .*\n/m, ''), /needs 'fix'/, 16],
    ['fix on a rule that fixes nothing', 'no-crlf', GOOD.replace('fixable: safe', 'fixable: none'), /fixable: none has none/, 17],
    ['maxSeverity for an unknown message', 'no-crlf', GOOD.replace('fixable: safe', 'maxSeverity:\n  nope: info\nfixable: safe'), /maxSeverity names message 'nope'/, 16],
    ['maxSeverity that is not a severity', 'no-crlf', GOOD.replace('fixable: safe', 'maxSeverity:\n  crlf: low\nfixable: safe'), /must be error, warning or info/, 16],
    ['defersTo that is not a list', 'no-crlf', GOOD.replace('cause:', 'defersTo: KV101\ncause:'), /'defersTo' must be a list/, 11],
  ];
  for (const [what, name, text, message, line] of cases) {
    it(`rejects a rule file with ${what} (KVE202 with file and line)`, () => {
      const e = loadError(name, text);
      expect(e?.code).toBe('KVE202');
      expect(e?.message).toMatch(message);
      expect(e?.file).toMatch(new RegExp(`${name}\\.yaml$`));
      expect(e?.line).toBe(line);
    });
  }

  it('rejects a regex option that does not compile', () => {
    const text = readFileSync(join(defaultRulesDir(), 'no-timestamp-in-prefix.yaml'), 'utf8').replace("excludeBefore:\n", "excludeBefore:\n    - '(unclosed'\n");
    const e = loadError('no-timestamp-in-prefix', text);
    expect(e?.message).toMatch(/invalid regular expression/);
  });

  it('rejects a rule that defers to an unknown rule', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvlint-rules-'));
    writeFileSync(join(dir, 'no-crlf.yaml'), GOOD.replace('cause:', 'defersTo: [no-such-rule]\ncause:'));
    try {
      expect(() => loadRules(dir)).toThrow(/defers to 'no-such-rule', which is not a rule/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects two rules with one code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvlint-rules-'));
    writeFileSync(join(dir, 'no-crlf.yaml'), GOOD);
    writeFileSync(join(dir, 'no-crlf-again.yaml'), GOOD.replace('id: no-crlf', 'id: no-crlf-again'));
    try {
      expect(() => loadRules(dir)).toThrow(/KV401 is used by both/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
