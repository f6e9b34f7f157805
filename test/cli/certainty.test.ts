// Severity is certainty, end to end: the real binary on committed prompts that never change (no error),
// and on the true positives (still errors). fixtures/certainty holds one small file per case.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/report.js';
import { kvlint, repoRoot } from '../helpers/cli.js';

const dir = 'fixtures/certainty';

function lint(file: string, extra: string[] = []): Report {
  const r = kvlint(['--format', 'json', ...extra, `${dir}/${file}`]);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Report;
}

/** `code severity line:column` of every finding of a one-file report, KV301 (the length check) left out. */
function findings(file: string, extra: string[] = []): string[] {
  return lint(file, extra).files.flatMap((f) => f.diagnostics.filter((d) => d.code !== 'KV301').map((d) => `${d.code} ${d.severity} ${d.line}:${d.column}`));
}

describe('static prompts committed as they are: no error', () => {
  it('cutoff and effective dates, role e-mail accounts and a company phone number', () => {
    expect(findings('static-support.txt')).toEqual([]);
    const r = kvlint([`${dir}/static-support.txt`]);
    expect(r.code).toBe(0);
  });

  it('a pinned commit hash, a ```{latex} fence and TeX braces', () => {
    expect(findings('static-review.txt')).toEqual([]);
  });

  it('a clock placeholder on the last line, with nothing cacheable after it', () => {
    expect(findings('clock-last-line.txt')).toEqual([]);
  });
});

describe('true positives keep their error', () => {
  it("a customer's personal e-mail in a .txt", () => {
    expect(findings('customer-email.txt')).toEqual(['KV104 error 2:17']);
  });

  it('{{ now }} in a system prompt ahead of static text', () => {
    expect(findings('clock-first-line.txt')).toEqual(['KV102 error 1:15']);
  });

  it('a session id placeholder', () => {
    expect(findings('session-id.j2')).toEqual(['KV103 error 1:51']);
    expect(kvlint([`${dir}/session-id.j2`]).code).toBe(1);
  });
});

describe('one finding per place', () => {
  it('reports KV102 for {{ now().strftime(…) }} and names KV106 in its message', () => {
    const [d, ...rest] = lint('clock-and-variable.j2').files[0]!.diagnostics.filter((x) => x.code !== 'KV301');
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: 'KV102', severity: 'error', line: 2, column: 10, alsoRules: ['no-volatile-before-stable'] });
    expect(d?.message).toContain('(also no-volatile-before-stable)');
  });

  it('one directive naming either rule suppresses it, and counts as used', () => {
    expect(lint('clock-and-variable-disabled.j2').files[0]!.diagnostics.map((d) => d.code)).toEqual(['KV301']);
    const tmp = mkdtempSync(path.join(tmpdir(), 'kvlint-certainty-'));
    try {
      const text = readFileSync(path.join(repoRoot, dir, 'clock-and-variable-disabled.j2'), 'utf8').replace('KV106', 'KV102');
      writeFileSync(path.join(tmp, 'p.j2'), text);
      const r = kvlint(['--format', 'json', 'p.j2'], { cwd: tmp });
      expect((JSON.parse(r.stdout) as Report).files[0]!.diagnostics.map((d) => d.code)).toEqual(['KV301']);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('a literal is a suspicion', () => {
  it('is a warning whose message says why it may vary', () => {
    const ds = lint('../demo/system.txt').files[0]!.diagnostics;
    const kv101 = ds.find((d) => d.code === 'KV101');
    expect(kv101?.severity).toBe('warning');
    expect(kv101?.message).toContain('if it is rendered per request');
    const kv104 = ds.find((d) => d.code === 'KV104' && d.line === 4);
    expect(kv104?.severity).toBe('warning');
    expect(kv104?.message).toContain('if it is rendered per user');
  });
});

describe('KV301', () => {
  it('is info without a cache breakpoint and a warning with one', () => {
    const plain = lint('static-support.txt').files[0]!.diagnostics.find((d) => d.code === 'KV301');
    expect(plain?.severity).toBe('info');
    const marked = lint('../demo/request.json').files[0]!.diagnostics.find((d) => d.code === 'KV301');
    expect(marked?.severity).toBe('warning');
    expect(marked?.message).toContain('the cache breakpoint buys nothing');
  });
});
