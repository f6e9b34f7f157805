// Honest exits: kvlint never passes on input it did not check, and says why a run fails.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report.js';
import { kvlint } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kvlint-exits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a path that matches nothing: exit 2', () => {
  it('a missing file, naming it', () => {
    const r = kvlint(['fixtures/demo/system.txt', 'no-such-prompt.txt']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no such file or directory: no-such-prompt.txt');
    expect(r.stdout).toBe('');
  });

  it('a glob that matches no file', () => {
    const r = kvlint(['fixtures/demo/*.nothing']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no files matched fixtures\/demo\/\*\.nothing/);
  });
});

describe('a file refused as a whole: exit 1, never a ✓', () => {
  it('an alias bomb', () => {
    const r = kvlint(['fixtures/tools/alias_bomb.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('KVE306');
    expect(r.stdout).toContain('✖ 1 input not checked');
    expect(r.stdout).not.toContain('✓');
  });

  it('but a thread export that reuses blocks through 150 aliases is checked', () => {
    const r = kvlint(['fixtures/inputs/amp-thread-many-aliases.yaml']);
    expect(r.stdout).not.toContain('KVE306');
    expect(r.stdout).toContain('1 file checked');
    expect(r.code).toBe(0);
  });

  it('a malformed template, next to a clean one', () => {
    writeFileSync(path.join(dir, 'broken.j2'), 'You are helpful.\n{% if x %}\nnever closed {{ y\n');
    writeFileSync(path.join(dir, 'clean.txt'), 'You are a helpful assistant. Answer briefly.\n');
    const r = kvlint(['broken.j2', 'clean.txt'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/broken\.j2:\d+\s+KVE306/);
    expect(r.stdout).toContain('1 input not checked');
  });

  it('a log all of whose records were skipped (--max-line-size 1)', () => {
    const r = kvlint(['--max-line-size', '1', 'fixtures/logs/anthropic-bodies.jsonl']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/anthropic-bodies\.jsonl\s+KVE308\s+not analyzed: all 3 records were skipped/);
    expect(r.stdout).not.toContain('✓');
    const json = JSON.parse(kvlint(['--max-line-size', '1', '--format', 'json', 'fixtures/logs/anthropic-bodies.jsonl']).stdout) as Report;
    expect(json.files).toEqual([]);
  });

  it('a log with one malformed record among good ones is still checked', () => {
    const r = kvlint(['fixtures/logs/malformed.jsonl']);
    expect(r.stdout).toContain('KVE306');
    expect(r.stdout).not.toContain('not checked');
    expect(r.code).toBe(0);
  });
});

describe('models the price table does not know: exit 2, naming the closest', () => {
  it('-m with a typo', () => {
    const r = kvlint(['-m', 'claude-sonet-4-6', 'fixtures/demo/system.txt']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown model 'claude-sonet-4-6' (-m/--model)");
    expect(r.stderr).toMatch(/closest: claude-sonnet-4-6\b/);
    expect(r.stdout).toBe('');
  });

  it('model: in the config', () => {
    writeFileSync(path.join(dir, 'kvlint.config.yaml'), 'model: gpt-4.1-mnii\n');
    writeFileSync(path.join(dir, 'p.txt'), 'You are a helpful assistant. Answer briefly.\n');
    const r = kvlint(['p.txt'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown model 'gpt-4\.1-mnii' \(model: in .*kvlint\.config\.yaml\).*closest: gpt-4\.1-mini/);
    rmSync(path.join(dir, 'kvlint.config.yaml'));
  });

  it('accepts a dated id of a known model', () => {
    expect(kvlint(['-m', 'claude-sonnet-4-5-20250929', 'fixtures/demo/clean.prompty']).code).toBe(0);
  });

  it('is accepted with --price', () => {
    const r = kvlint(['-m', 'my-finetune', '--price', 'input=3,cache_write=3.75,cache_read=0.3', 'fixtures/demo/clean.prompty']);
    expect(r.code).toBe(0);
  });
});

describe('--max-warnings', () => {
  it('says in one line why the run fails', () => {
    const r = kvlint(['--max-warnings', '0', 'fixtures/demo/system.txt']);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^kvlint: too many warnings \(\d+\): more than --max-warnings 0, so the run fails$/);
  });

  it('says nothing when the warnings are within the limit', () => {
    const r = kvlint(['--max-warnings', '100', 'fixtures/demo/system.txt']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });
});
