// The CI formats end to end: the real binary on real templates and logs, each output checked the way its
// reader checks it (GitLab's schema, a strict XML parse, a quickfix pattern), and stylish and explain
// fitted to a terminal width.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellWidth } from '../../src/formatters/wrap.js';
import { children, expectValidGitlab, parseXml } from '../helpers/ci-formats.js';
import { corpus, hasCorpus, kvlint, repoRoot } from '../helpers/cli.js';

const UNIX_LINE = /^[^:\n]+:\d+:\d+: (error|warning|info) (KV\d{3}|KVE\d{3}|[a-z-]+) \S.*$/;

describe('-f gitlab', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kvlint-gitlab-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports templates and log records as valid Code Quality issues, exit code as with any format', () => {
    const r = kvlint(['-f', 'gitlab', 'fixtures/templates', 'fixtures/logs/anthropic-bodies.jsonl', 'fixtures/logs/malformed.jsonl']);
    expect(r.code, r.stderr).toBe(1);
    const issues = expectValidGitlab(r.stdout);
    expect(issues.length).toBeGreaterThan(10);
    expect(issues.find((i) => i.location.path === 'fixtures/logs/anthropic-bodies.jsonl')).toMatchObject({ check_name: 'KV201 require-sorted-tools', location: { lines: { begin: 3 } } });
    expect(issues.filter((i) => i.location.path === 'fixtures/logs/malformed.jsonl').map((i) => i.location.lines.begin)).toEqual([2, 4]);
    expect(issues.some((i) => i.severity === 'major')).toBe(true);
    // deterministic: a second run prints the same bytes
    expect(kvlint(['-f', 'gitlab', 'fixtures/templates', 'fixtures/logs/anthropic-bodies.jsonl', 'fixtures/logs/malformed.jsonl']).stdout).toBe(r.stdout);
  });

  it('keeps fingerprints when lines are added above the findings, so the MR widget sees nothing new', () => {
    copyFileSync(path.join(repoRoot, 'fixtures/precommit/bad-system.txt'), path.join(dir, 'system.txt'));
    const before = expectValidGitlab(kvlint(['-f', 'gitlab', 'system.txt'], { cwd: dir }).stdout);
    expect(before.length).toBeGreaterThan(0);
    writeFileSync(path.join(dir, 'system.txt'), `You are careful.\nYou are kind.\n${readFileSync(path.join(dir, 'system.txt'), 'utf8')}`);
    const after = expectValidGitlab(kvlint(['-f', 'gitlab', 'system.txt'], { cwd: dir }).stdout);
    const key = (i: { check_name: string; fingerprint: string }) => `${i.check_name} ${i.fingerprint}`;
    for (const i of before) {
      const moved = after.find((a) => key(a) === key(i));
      expect(moved, `${i.check_name} at ${i.location.lines.begin}`).toBeDefined();
      expect(moved!.location.lines.begin).toBe(i.location.lines.begin + 2);
    }
  });

  it('writes to a file with -o and prints [] for a clean run', () => {
    const out = path.join(dir, 'gl-code-quality-report.json');
    const r = kvlint(['-f', 'gitlab', '-o', out, 'fixtures/demo/clean.prompty']);
    expect(r.code, r.stderr).toBe(0);
    expect(expectValidGitlab(readFileSync(out, 'utf8'))).toEqual([]);
  });

  it.skipIf(!hasCorpus)('places a finding in a recorded cassette on its request record', () => {
    const r = kvlint(['-f', 'gitlab', path.join(corpus, 'logs/pai_anthropic_tool_search_tools_change.yaml')]);
    const issues = expectValidGitlab(r.stdout);
    // the tool set changes at two places in the shared prefix (tools[1] added, then swapped): two findings
    expect(issues[0]).toEqual(expect.objectContaining({ check_name: 'KV107 no-tool-set-change', severity: 'major', location: { path: '../shared/corpus/logs/pai_anthropic_tool_search_tools_change.yaml', lines: { begin: 111 } } }));
    expect(issues.every((i) => i.check_name === 'KV107 no-tool-set-change')).toBe(true);
  });
});

describe('-f junit', () => {
  it('is strict XML with a test case per file checked and a failure per finding', () => {
    const r = kvlint(['-f', 'junit', 'fixtures/templates', 'fixtures/demo/clean.prompty', 'fixtures/logs/anthropic-bodies.jsonl', 'fixtures/logs/malformed.jsonl']);
    expect(r.code).toBe(1);
    const suite = children(parseXml(r.stdout), 'testsuite')[0]!;
    const cases = children(suite, 'testcase');
    const unix = kvlint(['-f', 'unix', 'fixtures/templates', 'fixtures/logs/anthropic-bodies.jsonl', 'fixtures/logs/malformed.jsonl']).stdout.trimEnd().split('\n');
    const failures = cases.flatMap((c) => children(c, 'failure'));
    const errors = cases.flatMap((c) => children(c, 'error'));
    expect(failures.length + errors.length).toBe(unix.length);
    expect(Number(suite.attributes.tests)).toBe(cases.length);
    expect(cases.map((c) => c.attributes.name)).toContain('fixtures/templates/agent.md');
    const log = cases.find((c) => c.attributes.name === 'fixtures/logs/anthropic-bodies.jsonl')!;
    expect(children(log, 'failure')[0]!.text).toMatch(/^fixtures\/logs\/anthropic-bodies\.jsonl:3:1: warning KV201 /);
    // a file without findings passes
    expect(cases.find((c) => c.attributes.name === 'fixtures/demo/clean.prompty')!.children).toEqual([]);
  });
});

describe('-f unix', () => {
  it('prints one quickfix line per finding and problem', () => {
    const r = kvlint(['-f', 'unix', 'fixtures/templates', 'fixtures/logs/anthropic-bodies.jsonl', 'fixtures/logs/malformed.jsonl']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    for (const l of lines) expect(l).toMatch(UNIX_LINE);
    expect(lines).toContain('fixtures/logs/malformed.jsonl:4:1: warning KVE306 last line is cut off (no newline, incomplete JSON)');
    expect(lines.filter((l) => l.startsWith('fixtures/templates/agent.md:3:20: error KV105 '))).toHaveLength(1);
  });
});

describe('stylish in a terminal', () => {
  for (const width of [80, 120]) {
    it(`keeps every rule code on its finding's line at ${width} columns`, () => {
      const r = kvlint(['fixtures/templates', 'fixtures/logs/anthropic-bodies.jsonl'], { env: { COLUMNS: String(width) } });
      expect(r.code).toBe(1);
      const lines = r.stdout.split('\n');
      const findings = lines.filter((l) => /^\s+\d+:\d+\s+(error|warning|info)\s/.test(l));
      expect(findings.length).toBeGreaterThan(20);
      for (const l of findings) {
        expect(l).toMatch(/\S {2,}KV\d{3}( {2}|$)/);
        expect(cellWidth(l), l).toBeLessThanOrEqual(width);
      }
      for (const l of lines) expect(l.trim(), l).not.toMatch(/^KV\d{3}\b/);
    });
  }

  it('does not wrap when the output is a pipe and COLUMNS is unset', () => {
    const r = kvlint(['fixtures/templates/agent.md']);
    const findings = r.stdout.split('\n').filter((l) => /^\s+\d+:\d+\s/.test(l));
    expect(r.stdout.split('\n').filter((l) => l.startsWith('   ') && !/^\s+\d+:\d+\s/.test(l))).toEqual([]);
    expect(findings.some((l) => cellWidth(l) > 120)).toBe(true);
  });
});

describe('explain', () => {
  it('wraps its prose to COLUMNS, and to 80 columns when the output is not a terminal', () => {
    for (const [env, width] of [[{ COLUMNS: '60' }, 60], [{}, 80]] as const) {
      const r = kvlint(['explain', 'KV101'], { env });
      expect(r.code).toBe(0);
      const prose = r.stdout.split('\n\nBad')[0]!.split('\n');
      for (const l of prose) expect(cellWidth(l), l).toBeLessThanOrEqual(width);
      expect(prose.length).toBeGreaterThan(8);
    }
    const words = (s: string) => s.split(/\s+/).filter(Boolean);
    expect(words(kvlint(['explain', 'KV101'], { env: { COLUMNS: '60' } }).stdout)).toEqual(words(kvlint(['explain', 'KV101'], { env: { COLUMNS: '200' } }).stdout));
  });
});
