// The formats CI systems and editors read: GitLab Code Quality checked against the schema its docs give,
// JUnit parsed by a strict XML parser, and the one-line unix form.
import { describe, expect, it } from 'vitest';
import { formatGitlab, type GitlabIssue } from '../../src/formatters/gitlab.js';
import { escapeXml, formatJunit } from '../../src/formatters/junit.js';
import { formatUnix } from '../../src/formatters/unix.js';
import { actionOutputs, formatActionOutputs } from '../../src/formatters/outputs.js';
import type { Report } from '../../src/report.js';
import { cleanReport, loadReport, OPTS } from './load-report.js';
import { expectValidGitlab, parseXml, validateGitlab, children } from '../helpers/ci-formats.js';


/** A report with a log finding (on the line of its request record) and a hostile message. */
function logReport(): Report {
  const r = cleanReport(2);
  r.files = [
    {
      file: 'logs/export.jsonl',
      kind: 'log',
      format: 'openai-chat',
      diagnostics: [
        {
          ruleId: 'no-timestamp-in-prefix',
          code: 'KV101',
          severity: 'error',
          category: 'breaker',
          messageId: 'pair',
          message: "'2025-05-21' <b>&\"changes\"</b>\nbetween runs \u0001 and precedes 78 prompt tokens",
          file: 'logs/export.jsonl',
          line: 78,
          column: 1,
          evidence: '2025-05-21',
          request: 3,
        },
        {
          ruleId: 'no-timestamp-in-prefix',
          code: 'KV101',
          severity: 'error',
          category: 'breaker',
          messageId: 'pair',
          message: "'2025-05-21' changes between runs",
          file: 'logs/export.jsonl',
          line: 90,
          column: 1,
          evidence: '2025-05-21',
          request: 4,
        },
      ],
      errorCount: 2,
      warningCount: 0,
      infoCount: 0,
      fixableCount: 0,
    },
    { file: 'prompts/clean.txt', kind: 'template', format: 'text', diagnostics: [], errorCount: 0, warningCount: 0, infoCount: 0, fixableCount: 0 },
  ];
  r.summary.errors = 2;
  return r;
}

describe('gitlab', () => {
  it('is valid Code Quality with one issue per finding and per input problem, severities mapped', () => {
    const issues = expectValidGitlab(formatGitlab(loadReport(), OPTS));
    expect(issues.map((i) => [i.check_name, i.severity, i.location.path, i.location.lines.begin])).toEqual([
      ['KV101 no-timestamp-in-prefix', 'major', 'prompts/support agent.jinja', 3],
      ['KV104 no-user-data-in-prefix', 'minor', 'prompts/support agent.jinja', 7],
      ['KV402 no-trailing-whitespace', 'info', 'prompts/support agent.jinja', 12],
      ['KV201 require-sorted-tools', 'minor', 'tools/search-tools.json', 2],
      ['KVE303', 'minor', 'prompts/legacy.txt', 4],
    ]);
    expect(issues[3]!.location.lines.end).toBe(14);
    expect(issues[0]!.fingerprint).toMatch(/^[0-9a-f]{32}$/);
  });

  it('is checked by a schema that rejects what GitLab rejects', () => {
    const good = { description: 'd', check_name: 'KV101', fingerprint: 'f', severity: 'major', location: { path: 'a.txt', lines: { begin: 1 } } };
    expect(validateGitlab([good])).toBe(true);
    for (const bad of [
      { ...good, severity: 'error' },
      { ...good, location: { path: '/abs/a.txt', lines: { begin: 1 } } },
      { ...good, location: { path: 'a.txt', lines: { begin: 0 } } },
      { ...good, location: { path: 'a.txt' } },
      { ...good, fingerprint: undefined },
    ]) {
      expect(validateGitlab([JSON.parse(JSON.stringify(bad))]), JSON.stringify(bad)).toBe(false);
    }
    expect(() => parseXml('<a><b></a>')).toThrow();
    expect(() => parseXml('<a x="1" x="2"/>')).toThrow();
    expect(() => parseXml('<a>\u0001</a>')).toThrow();
  });

  it('prints an empty array for a clean run', () => {
    expect(expectValidGitlab(formatGitlab(cleanReport(), OPTS))).toEqual([]);
  });

  it('keeps fingerprints when lines move, the run directory changes or findings come in another order', () => {
    const before = expectValidGitlab(formatGitlab(loadReport(), OPTS));
    const moved = loadReport();
    for (const f of moved.files) for (const d of f.diagnostics) d.line += 5;
    moved.files.reverse();
    // the same report written from another checkout, with absolute paths under it
    const other = { ...OPTS, cwd: '/elsewhere/checkout' };
    for (const f of moved.files) {
      f.file = `/elsewhere/checkout/${f.file}`;
      for (const d of f.diagnostics) d.file = `/elsewhere/checkout/${d.file}`;
    }
    const after = expectValidGitlab(formatGitlab(moved, other));
    expect(after.map((i) => i.fingerprint)).toEqual(before.map((i) => i.fingerprint));
    expect(after.map((i) => i.location.path)).toEqual(before.map((i) => i.location.path));
  });

  it('gives two log findings with the same evidence distinct fingerprints, on their record lines', () => {
    const issues = expectValidGitlab(formatGitlab(logReport(), OPTS));
    expect(issues.map((i) => i.location.lines.begin)).toEqual([78, 90]);
    expect(issues[0]!.fingerprint).not.toBe(issues[1]!.fingerprint);
    const changed = logReport();
    changed.files[0]!.diagnostics[1]!.evidence = '2025-05-22';
    expect(expectValidGitlab(formatGitlab(changed, OPTS))[0]!.fingerprint).toBe(issues[0]!.fingerprint);
  });

  it('reports a fatal error as an issue', () => {
    const issues = expectValidGitlab(formatGitlab(cleanReport(), { ...OPTS, failure: { code: 'KVE201', message: 'bad config', file: '/repo/kvlint.config.yaml', line: 3 } }));
    expect(issues).toEqual([expect.objectContaining({ check_name: 'KVE201', severity: 'major', location: { path: 'kvlint.config.yaml', lines: { begin: 3 } } })]);
  });
});

describe('junit', () => {
  it('is well-formed XML: one test case per file, a failure per finding, an error per unreadable input', () => {
    const root = parseXml(formatJunit(loadReport(), OPTS));
    expect(root.name).toBe('testsuites');
    const [suite] = children(root, 'testsuite');
    expect(suite!.attributes).toMatchObject({ name: 'kvlint', tests: '3', failures: '2', errors: '1' });
    const cases = children(suite!, 'testcase');
    expect(cases.map((c) => c.attributes.name)).toEqual(['prompts/legacy.txt', 'prompts/support agent.jinja', 'tools/search-tools.json']);
    const agent = cases[1]!;
    expect(children(agent, 'failure').map((f) => f.attributes.type)).toEqual(['KV101', 'KV104', 'KV402']);
    expect(children(agent, 'failure')[0]!.attributes.message).toMatch(/^3:18 error KV101 'Today is August 25, 2025' changes every day/);
    expect(children(agent, 'failure')[0]!.text).toMatch(/^prompts\/support agent\.jinja:3:18: error KV101 .*\(no-timestamp-in-prefix\)$/);
    expect(children(cases[0]!, 'error')[0]!.attributes).toMatchObject({ type: 'KVE303' });
  });

  it('lists clean files as passing test cases', () => {
    const root = parseXml(formatJunit(logReport(), OPTS));
    const cases = children(children(root, 'testsuite')[0]!, 'testcase');
    expect(cases.map((c) => [c.attributes.name, c.children.length])).toEqual([
      ['logs/export.jsonl', 2],
      ['prompts/clean.txt', 0],
    ]);
  });

  it('escapes markup, quotes, line breaks and characters XML cannot carry, and round-trips them', () => {
    const root = parseXml(formatJunit(logReport(), OPTS));
    const failure = children(children(children(root, 'testsuite')[0]!, 'testcase')[0]!, 'failure')[0]!;
    expect(failure.attributes.message).toBe("78:1 error KV101 '2025-05-21' <b>&\"changes\"</b>\nbetween runs \uFFFD and precedes 78 prompt tokens");
    expect(escapeXml('a\uD800b\uFFFE')).toBe('a\uFFFDb\uFFFD');
    expect(escapeXml('😀')).toBe('😀');
  });

  it('is an empty suite for an empty run, and stays well-formed', () => {
    const root = parseXml(formatJunit(cleanReport(0), OPTS));
    expect(children(root, 'testsuite')[0]!.attributes.tests).toBe('0');
  });
});

describe('unix', () => {
  it('prints file:line:col: severity CODE message, one line each, problems last', () => {
    expect(formatUnix(loadReport(), OPTS).split('\n')).toEqual([
      "prompts/support agent.jinja:3:18: error KV101 'Today is August 25, 2025' changes every day and precedes 3,912 cacheable tokens",
      "prompts/support agent.jinja:7:12: warning KV104 '{{ user.email }}' differs per user and precedes 3,650 cacheable tokens",
      'prompts/support agent.jinja:12:41: info KV402 2 trailing spaces at the end of the line',
      "tools/search-tools.json:2:3: warning KV201 tools are not sorted by name: 'web_search' comes before 'fetch_page'",
      'prompts/legacy.txt:4:1: warning KVE303 invalid UTF-8 at byte 213; save the file as UTF-8',
      '',
    ]);
  });

  it('keeps a multi-line message on one line and prints nothing for a clean run', () => {
    const lines = formatUnix(logReport(), OPTS).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^logs\/export\.jsonl:78:1: error KV101 '2025-05-21' .* between runs/);
    expect(formatUnix(cleanReport(), OPTS)).toBe('');
  });
});

describe('GitHub step outputs', () => {
  it('counts findings, and gives the hit rate and cost savings from the metrics: reported where present, else simulated', () => {
    expect(formatActionOutputs(actionOutputs(loadReport()))).toBe('findings=4\nhit-rate=\ncost-savings=\n');
    const r = loadReport();
    const metric = (value: number | null, source: 'simulated' | 'reported') => ({ value, numerator: 0, denominator: 3, unit: 'requests' as const, source });
    const set = (hit: number | null, saved: number | null, source: 'simulated' | 'reported') => ({
      cacheHitRate: metric(hit, source),
      cachedTokenRatio: metric(hit, source),
      cacheCreationRate: metric(hit, source),
      ttftImprovement: metric(hit, source),
      costSavings: metric(saved, source),
    });
    r.metrics = { now: set(0.6667, 0.25, 'simulated'), fixed: set(0.9, 0.5, 'simulated') };
    expect(actionOutputs(r)).toEqual({ findings: 4, 'hit-rate': 0.6667, 'cost-savings': 0.25 });
    r.metrics.reported = set(0.75, null, 'reported');
    expect(formatActionOutputs(actionOutputs(r))).toBe('findings=4\nhit-rate=0.75\ncost-savings=0.25\n');
  });
});
