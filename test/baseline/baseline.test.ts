// Baselines on the demo: recorded findings pass, line moves do not make them new, one added breaker fails
// with exactly that finding, and entries that no longer match are reported as stale.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyBaseline, buildBaseline, fingerprint, parseBaseline } from '../../src/baseline/index.js';
import type { Diagnostic } from '../../src/model.js';
import type { Report } from '../../src/report.js';
import { kvlint, repoRoot } from '../helpers/cli.js';

const diag = (over: Partial<Diagnostic>): Diagnostic => ({
  ruleId: 'no-timestamp-in-prefix',
  code: 'KV101',
  severity: 'error',
  category: 'breaker',
  messageId: 'm',
  message: 'x',
  file: 'p.txt',
  line: 1,
  column: 1,
  evidence: '2025-01-01',
  ...over,
});

const report = (diags: Diagnostic[]): Report => ({
  version: 't',
  files: [{ file: 'p.txt', kind: 'template', format: 'text', diagnostics: diags, errorCount: diags.length, warningCount: 0, infoCount: 0, fixableCount: 0 }],
  problems: [],
  rules: {},
  summary: { files: 1, errors: diags.length, warnings: 0, infos: 0, fixable: 0, tokensAtRisk: 0, approx: false, skipped: 0 },
});

describe('fingerprints and matching', () => {
  it('ignore line and column but not rule, file or evidence', () => {
    const a = fingerprint(diag({}), 'p.txt');
    expect(fingerprint(diag({ line: 40, column: 9 }), 'p.txt')).toBe(a);
    expect(fingerprint(diag({ evidence: '2025-01-01 ' }), 'p.txt')).toBe(a);
    expect(fingerprint(diag({ evidence: '2025-01-02' }), 'p.txt')).not.toBe(a);
    expect(fingerprint(diag({}), 'q.txt')).not.toBe(a);
    expect(fingerprint(diag({ code: 'KV102' }), 'p.txt')).not.toBe(a);
  });

  it('counts per fingerprint: a second copy of a known finding is new', () => {
    const b = buildBaseline(report([diag({})]), '/r', '/r/kvlint-baseline.json', true);
    const out = applyBaseline(report([diag({ line: 3 }), diag({ line: 9 })]), b, '/r', '/r/kvlint-baseline.json');
    expect(out.suppressed).toBe(1);
    expect(out.report.files[0]!.diagnostics.map((d) => d.line)).toEqual([9]);
    expect(out.report.summary.errors).toBe(1);
    expect(out.stale).toEqual([]);
  });

  it('rejects files that are not baselines', () => {
    expect(() => parseBaseline('{"entries": []}')).toThrow(/not a kvlint baseline/);
    expect(() => parseBaseline('nope')).toThrow(/not JSON/);
  });
});

describe('kvlint --baseline on the demo (real binary)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kvlint-baseline-'));
    cpSync(path.join(repoRoot, 'fixtures/demo'), path.join(dir, 'demo'), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('passes with the baseline, survives line moves, and fails on exactly one new breaker', () => {
    expect(kvlint(['demo'], { cwd: dir }).code).toBe(1);
    const upd = kvlint(['demo', '--baseline', 'kvlint-baseline.json', '--update-baseline'], { cwd: dir });
    expect(upd.code).toBe(0);
    expect(upd.stderr).toMatch(/wrote \d+ findings/);
    const saved = parseBaseline(readFileSync(path.join(dir, 'kvlint-baseline.json'), 'utf8'));
    expect(saved.entries.every((e) => e.file.startsWith('demo/'))).toBe(true);

    const ok = kvlint(['demo', '--baseline', 'kvlint-baseline.json'], { cwd: dir });
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stderr).not.toContain('no longer match');

    // move the findings below line 1 down two lines: still known (line 1 keeps the file's BOM first)
    const sys = path.join(dir, 'demo/system.txt');
    const insertAfterFirstLine = (text: string): void => {
      const lines = readFileSync(sys, 'utf8').split('\n');
      writeFileSync(sys, [lines[0], text, ...lines.slice(1)].join('\n'));
    };
    insertAfterFirstLine('Read these instructions carefully.\nThey apply to every answer.');
    expect(kvlint(['demo', '--baseline', 'kvlint-baseline.json'], { cwd: dir }).code).toBe(0);

    // one new breaker: a request id placeholder in the system prompt (certain: an error)
    insertAfterFirstLine('Request: {{ request_id }}');
    const bad = kvlint(['demo', '--baseline', 'kvlint-baseline.json', '-f', 'json'], { cwd: dir });
    expect(bad.code).toBe(1);
    const found = (JSON.parse(bad.stdout) as Report).files.flatMap((f) => f.diagnostics);
    expect(found.map((d) => [d.code, d.file, d.line])).toEqual([['KV103', 'demo/system.txt', 2]]);
  });

  it('reports entries that no longer match as stale', () => {
    kvlint(['demo', '--update-baseline'], { cwd: dir });
    const sys = path.join(dir, 'demo/system.txt');
    writeFileSync(sys, readFileSync(sys, 'utf8').replace(/2025-08-07T09:14:03Z/, 'the current date'));
    const r = kvlint(['demo', '--baseline', 'kvlint-baseline.json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/1 baseline entry in kvlint-baseline.json no longer match/);
    expect(r.stderr).toContain("KV101 demo/system.txt '2025-08-07T09:14:03Z'");
  });

  it('exits 2 with a hint when the baseline file is missing', () => {
    const r = kvlint(['demo', '--baseline', 'nope.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--update-baseline');
  });
});
