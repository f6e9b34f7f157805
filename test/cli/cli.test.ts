// The real binary on real files: output, formats and exit codes as users and CI see them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kvlint } from '../helpers/cli.js';
import type { Report } from '../../src/report.js';

describe('kvlint basics', () => {
  it('prints its version and help without loading the pipeline', () => {
    const v = kvlint(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = kvlint(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('Usage: kvlint');
    for (const cmd of ['explain', 'rules', 'hash', 'diff', 'merge']) expect(h.stdout).toContain(cmd);
  });

  it('exits 2 on an unknown flag or format, naming it', () => {
    const r = kvlint(['--no-such-flag', 'fixtures/demo']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--no-such-flag');
    const f = kvlint(['--format', 'xml', 'fixtures/demo']);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/xml/);
  });
});

describe('the demo', () => {
  it('reports findings in stylish form and exits 1', () => {
    const r = kvlint(['fixtures/demo']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('fixtures/demo/system.txt');
    expect(r.stdout).toMatch(/KV101/);
    expect(r.stdout).toMatch(/✖ \d+ problems \(\d+ errors?, \d+ warnings?/);
    expect(r.stdout).not.toMatch(/\u001b\[/); // not a TTY: no colour
  });

  it('colours with FORCE_COLOR and not with NO_COLOR', () => {
    expect(kvlint(['fixtures/demo'], { env: { FORCE_COLOR: '1' } }).stdout).toMatch(/\u001b\[/);
    expect(kvlint(['fixtures/demo'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout).toMatch(/\u001b\[/);
    expect(kvlint(['fixtures/demo', '--no-color'], { env: { FORCE_COLOR: '1' } }).stdout).not.toMatch(/\u001b\[/);
  });

  it('gives deterministic json with relative paths and no colour', () => {
    const a = kvlint(['--format', 'json', 'fixtures/demo'], { env: { FORCE_COLOR: '1' } });
    const b = kvlint(['--format', 'json', 'fixtures/demo']);
    expect(a.code).toBe(1);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).not.toMatch(/\u001b\[/);
    const report = JSON.parse(a.stdout) as { files: { file: string; diagnostics: { code: string; line: number; tokenOffset?: number; tokensAtRisk?: number }[] }[] };
    expect(report.files.map((f) => f.file)).toContain('fixtures/demo/system.txt');
    for (const f of report.files) expect(path.isAbsolute(f.file)).toBe(false);
    const codes = new Set(report.files.flatMap((f) => f.diagnostics.map((d) => d.code)));
    for (const code of ['KV101', 'KV102', 'KV103', 'KV104', 'KV105', 'KV106', 'KV201', 'KV202', 'KV203', 'KV204', 'KV205', 'KV301', 'KV302', 'KV303', 'KV401', 'KV402', 'KV403', 'KV404', 'KV405', 'KV406', 'KV490']) {
      expect(codes, `demo shows ${code}`).toContain(code);
    }
    const kv101 = report.files.flatMap((f) => f.diagnostics).find((d) => d.code === 'KV101');
    expect(kv101?.tokenOffset).toBeGreaterThan(0);
    expect(kv101?.tokensAtRisk).toBeGreaterThan(0);
  });

  it('writes github workflow commands', () => {
    const r = kvlint(['--format', 'github', 'fixtures/demo']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error file=fixtures\/demo\/support-agent\.j2,line=\d+,col=\d+/m);
    // literals in a captured prompt are suspicions: warnings
    expect(r.stdout).toMatch(/^::warning file=fixtures\/demo\/system\.txt,line=\d+,col=\d+/m);
  });

  it('writes SARIF to a file with -o and nothing to stdout', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kvlint-cli-'));
    try {
      const out = path.join(dir, 'kvlint.sarif');
      const r = kvlint(['--format', 'sarif', '-o', out, 'fixtures/demo']);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      const sarif = JSON.parse(readFileSync(out, 'utf8')) as { version: string; runs: { results: unknown[] }[] };
      expect(sarif.version).toBe('2.1.0');
      expect(sarif.runs[0]?.results.length).toBeGreaterThan(5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('honours --max-warnings and --quiet', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kvlint-cli-'));
    try {
      writeFileSync(path.join(dir, 'p.txt'), 'You are a helpful assistant.   \nAnswer briefly.\n');
      expect(kvlint(['p.txt'], { cwd: dir }).code).toBe(0);
      expect(kvlint(['p.txt', '--max-warnings', '0'], { cwd: dir }).code).toBe(1);
      const q = kvlint(['p.txt', '--quiet', '--max-warnings', '0'], { cwd: dir });
      expect(q.stdout).not.toContain('KV402');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('commands', () => {
  it('explains a rule by code or id', () => {
    const a = kvlint(['explain', 'KV101']);
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('no-timestamp-in-prefix');
    expect(a.stdout).toMatch(/Why/);
    expect(a.stdout).toMatch(/Bad/);
    expect(kvlint(['explain', 'no-timestamp-in-prefix']).stdout).toBe(a.stdout);
    const bad = kvlint(['explain', 'KV999']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('KV999');
  });

  it('lists rules as a table and as json, with what --fix does', () => {
    const t = kvlint(['rules']);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('KV101');
    expect(t.stdout).toMatch(/fixable with --fix:\n(?:.*\n)*\s+KV201\s+sorts the tools of a JSON file by name/);
    const j = JSON.parse(kvlint(['rules', '--format', 'json']).stdout) as { code: string; fixable: string; fix?: string; maxSeverity?: Record<string, string> }[];
    expect(j.length).toBeGreaterThanOrEqual(25);
    expect(new Set(j.map((r) => r.code)).size).toBe(j.length);
    const byCode = new Map(j.map((r) => [r.code, r]));
    expect(byCode.get('KV201')).toMatchObject({ fixable: 'safe', fix: expect.stringContaining('sorts the tools') });
    expect(byCode.get('KV202')).toMatchObject({ fixable: 'safe', fix: expect.stringContaining('keys') });
    expect(byCode.get('KV101')).toMatchObject({ fixable: 'none', maxSeverity: { found: 'warning' } });
    expect(byCode.get('KV101')?.fix).toBeUndefined();
  });

  it('explains what --fix does and which findings are capped', () => {
    expect(kvlint(['explain', 'KV201']).stdout).toContain('--fix sorts the tools of a JSON file by name');
    const kv101 = kvlint(['explain', 'KV101']).stdout;
    expect(kv101).toContain('breaker · error · template');
    expect(kv101).toContain('Severity error; found: at most warning');
    expect(kvlint(['explain', 'KV301']).stdout).toContain('Severity warning; unmarked: at most info');
  });

  it('counts the tool-file sorts as fixable in json, stylish and html', () => {
    const json = JSON.parse(kvlint(['--format', 'json', 'fixtures/fix/unsorted-tools.json']).stdout) as Report;
    const file = json.files[0]!;
    const sortable = file.diagnostics.filter((d) => d.code === 'KV201' || d.code === 'KV202');
    expect(sortable.length).toBeGreaterThan(0);
    expect(sortable.every((d) => d.fixable === true)).toBe(true);
    expect(file.fixableCount).toBeGreaterThanOrEqual(sortable.length);
    expect(json.summary.fixable).toBe(file.fixableCount);
    expect(kvlint(['fixtures/fix/unsorted-tools.json']).stdout).toContain(`${file.fixableCount} problem${file.fixableCount === 1 ? '' : 's'} fixable with --fix`);
    const html = kvlint(['--format', 'html', 'fixtures/fix/unsorted-tools.json']).stdout;
    expect(html).toContain(`data-metric="summary.fixable" data-value="${file.fixableCount}"`);
    expect(html).toContain('fixable with --fix');
  });

  it('hashes segments with a chain that changes from the edited segment on', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kvlint-cli-'));
    try {
      const body = (sys: string) => JSON.stringify({ model: 'claude-sonnet-4-5', tools: [{ name: 'a', description: 'x', input_schema: { type: 'object' } }], system: sys, messages: [{ role: 'user', content: 'hi' }] });
      writeFileSync(path.join(dir, 'a.json'), body('You are kind.'));
      writeFileSync(path.join(dir, 'b.json'), body('You are kind!'));
      const a = JSON.parse(kvlint(['hash', '--json', 'a.json'], { cwd: dir }).stdout) as { segments: { label: string; chain: string; sha256: string }[] };
      const b = JSON.parse(kvlint(['hash', '--json', 'b.json'], { cwd: dir }).stdout) as typeof a;
      expect(a.segments.map((s) => s.label)).toEqual(b.segments.map((s) => s.label));
      expect(a.segments[0]?.chain).toBe(b.segments[0]?.chain); // tools unchanged
      expect(a.segments[1]?.chain).not.toBe(b.segments[1]?.chain); // system edited
      expect(a.segments[2]?.sha256).toBe(b.segments[2]?.sha256); // same message…
      expect(a.segments[2]?.chain).not.toBe(b.segments[2]?.chain); // …behind a different prefix
      const text = kvlint(['hash', 'a.json'], { cwd: dir });
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(a.segments[0]!.chain);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bad input: one line per file, the run goes on', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kvlint-bad-'));
    writeFileSync(path.join(dir, 'good.txt'), 'You are a helpful assistant. Today is 2025-08-07T10:00:00Z and you help.\n');
    writeFileSync(path.join(dir, 'binary.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
    writeFileSync(path.join(dir, 'latin1.txt'), Buffer.concat([Buffer.from('line one\ncaf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    writeFileSync(path.join(dir, 'empty.txt'), '');
    writeFileSync(path.join(dir, 'notes.xyz'), 'just some notes');
    writeFileSync(path.join(dir, 'huge.txt'), Buffer.alloc(50 * 1024 * 1024 + 1, 'a'));
    mkdirSync(path.join(dir, 'sub'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names each bad file with its reason and still lints the good one', () => {
    const r = kvlint(['good.txt', 'binary.txt', 'latin1.txt', 'empty.txt', 'notes.xyz', 'huge.txt'], { cwd: dir });
    expect(r.code).toBe(1);
    const out = r.stdout + r.stderr;
    expect(out).toMatch(/good\.txt[\s\S]*KV101/);
    expect(out).toMatch(/binary\.txt.*KVE302/);
    expect(out).toMatch(/latin1\.txt:2.*KVE303/);
    expect(out).toMatch(/empty\.txt.*KVE307/);
    expect(out).toMatch(/notes\.xyz.*KVE305/);
    expect(out).toMatch(/huge\.txt.*KVE304/);
    expect(out).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('reports an unreadable file (when permissions apply)', () => {
    const f = path.join(dir, 'locked.txt');
    writeFileSync(f, 'hello');
    chmodSync(f, 0o000);
    const r = kvlint(['locked.txt', 'sub/../good.txt'], { cwd: dir });
    chmodSync(f, 0o644);
    if (process.getuid?.() === 0) return; // root reads anything: nothing to assert
    expect(r.stdout + r.stderr).toMatch(/locked\.txt.*KVE301/);
  });

  it('reads stdin named by --stdin-filename', () => {
    const r = kvlint(['-', '--stdin-filename', 'prompt.j2', '--format', 'json'], { cwd: dir, input: 'You are helpful. Today is {{ now() }}.\nBe brief and precise in every answer you give.\n' });
    const report = JSON.parse(r.stdout) as { files: { file: string; diagnostics: { code: string }[] }[] };
    expect(report.files[0]?.file).toBe('prompt.j2');
    expect(report.files[0]?.diagnostics.map((d) => d.code)).toContain('KV102');
  });
});

describe('config', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kvlint-cfg-'));
    mkdirSync(path.join(dir, '.git'));
    writeFileSync(path.join(dir, 'p.txt'), 'You are a helpful assistant. Today is 2025-08-07T10:00:00Z and you help.\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('turns a rule off by code', () => {
    writeFileSync(path.join(dir, 'kvlint.config.yaml'), 'rules:\n  KV101: off\n');
    const r = kvlint(['--format', 'json', 'p.txt'], { cwd: dir });
    const report = JSON.parse(r.stdout) as { files: { diagnostics: { code: string }[] }[] };
    expect(report.files[0]?.diagnostics.map((d) => d.code)).not.toContain('KV101');
  });

  it('exits 2 on a bad config, naming file and line, without a stack', () => {
    writeFileSync(path.join(dir, 'kvlint.config.yaml'), 'model: gpt-4o\nrules:\n  KV999: error\n');
    const r = kvlint(['p.txt'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/kvlint\.config\.yaml:3/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
