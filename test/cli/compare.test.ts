// kvlint compare on real reports: the same traffic recorded before and after a timestamp was added to the
// system prompt (fixtures/logs/shared-cache: multi-user.jsonl and timestamp-per-request.jsonl hold the same
// requests, the second with the time on top), each analyzed from a folder of its own under one file name,
// as a CI job analyzes the same recording path on two branches.
import path from 'node:path';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kvlint, repoRoot } from '../helpers/cli.js';
import type { Comparison } from '../../src/compare/compare.js';
import type { Report } from '../../src/report.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'kvlint-compare-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const at = (name: string) => path.join(tmp, name);

/** Analyzes `fixture` as traffic.jsonl in a folder of its own; writes the json report to `out`. */
function report(fixture: string, out: string, extra: string[] = []): void {
  const dir = at(out.replace(/\.json$/, ''));
  mkdirSync(dir, { recursive: true });
  copyFileSync(path.join(repoRoot, fixture), path.join(dir, 'traffic.jsonl'));
  const r = kvlint(['traffic.jsonl', ...extra, '-f', 'json', '-o', at(out)], { cwd: dir });
  expect(r.code, r.stderr).not.toBe(2);
}

function compare(args: string[]) {
  return kvlint(['compare', ...args], { cwd: tmp });
}

describe('kvlint compare', () => {
  beforeAll(() => {
    report('fixtures/logs/shared-cache/multi-user.jsonl', 'before.json', ['--group-by', 'metadata.user_id']);
    report('fixtures/logs/shared-cache/timestamp-per-request.jsonl', 'after.json', ['--group-by', 'metadata.user_id']);
  });

  it('fails (exit 1) when a timestamp added to the system prompt drops the hit rate by more than --max-drop', () => {
    const r = compare(['before.json', 'after.json', '--max-drop', 'cache-hit-rate=5']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ {2}cache hit rate +87\.5% → 0\.0% \(-87\.5 pts\) +87\.5% → 87\.5% \(±0\.0 pts\) +87\.5% → 0\.0% \(-87\.5 pts\)$/m);
    expect(r.stdout).toMatch(/^✗ cache-hit-rate dropped 87\.5 points \(reported, 87\.5% → 0\.0%\); more than the allowed drop of 5 points$/m);
    expect(r.stdout).toMatch(/^Findings: 1 new, 0 gone \(0 → 1\)\n {2}\+ traffic\.jsonl:\d+ {2}error {2}KV101 /m);
    expect(r.stdout).toMatch(/^ {4}KV101 no-timestamp-in-prefix {2}\$0 → \$0\.\d+ \(\+\$0\.\d+, new\)$/m);
  });

  it('passes (exit 0) the other way round: the hit rate rose', () => {
    const r = compare(['after.json', 'before.json', '--max-drop', 'cache-hit-rate=5', '--max-increase', 'cache-creation-rate=5']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^✓ cache-hit-rate rose 87\.5 points/m);
    expect(r.stdout).toMatch(/^✓ cache-creation-rate dropped 87\.5 points .* within the allowed increase of 5 points$/m);
    expect(r.stdout).toMatch(/^Findings: 0 new, 1 gone/m);
  });

  it('json: the five metrics from each report (now, fixed, reported) with changes in points, costs, groups and gates', () => {
    const r = compare(['before.json', 'after.json', '-f', 'json', '--max-increase', 'simulated:cache-creation-rate=10']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^kvlint: compare gate failed: cache-creation-rate rose 87\.5 points \(simulated, 12\.5% → 100\.0%\)/);
    const c = JSON.parse(r.stdout) as Comparison;
    const before = JSON.parse(readFileSync(at('before.json'), 'utf8')) as Report;
    const after = JSON.parse(readFileSync(at('after.json'), 'utf8')) as Report;
    expect(c.metrics.map((m) => m.metric)).toEqual(['cache-hit-rate', 'cached-token-ratio', 'cache-creation-rate', 'ttft-improvement', 'cost-savings']);
    // values are the reports' own metrics, never recomputed
    for (const m of c.metrics) {
      expect(m.now.before).toBe(before.metrics!.now[m.name].value);
      expect(m.now.after).toBe(after.metrics!.now[m.name].value);
      expect(m.fixed.after).toBe(after.metrics!.fixed[m.name].value);
      expect(m.reported!.after).toBe(after.metrics!.reported![m.name].value);
    }
    expect(c.metrics[0]!.now).toEqual({ before: 0.875, after: 0, points: -87.5 });
    expect(c.cost.delta).toBe(after.projection!.total.now.cost.total - before.projection!.total.now.cost.total);
    expect(c.rules[0]).toMatchObject({ key: 'KV101 no-timestamp-in-prefix', before: 0, only: 'after' });
    expect(c.groups).toEqual([{ field: 'metadata.user_id', changes: expect.any(Array) }]);
    // every user but the first now writes the prefix instead of reading it; the first wrote it before too
    expect(c.groups[0]!.changes).toHaveLength(5);
    expect(c.groups[0]!.changes.every((x) => x.delta > 0)).toBe(true);
    expect(c.groups[0]!.changes.map((x) => x.key)).not.toContain('customer-0');
    expect(c.gates).toEqual([expect.objectContaining({ kind: 'max-increase', metric: 'cache-creation-rate', source: 'simulated', before: 0.125, after: 1, points: 87.5, passed: false })]);
    expect(c.findings.new).toHaveLength(1);
  });

  it('matches findings by rule, file and evidence, not by line', () => {
    const moved = JSON.parse(readFileSync(at('after.json'), 'utf8')) as Report;
    for (const f of moved.files) for (const d of f.diagnostics) d.line += 40;
    writeFileSync(at('moved.json'), JSON.stringify(moved));
    const c = JSON.parse(compare(['after.json', 'moved.json', '-f', 'json']).stdout) as Comparison;
    expect(c.findings).toEqual({ new: [], gone: [] });
  });

  it('github: an error annotation per failed gate, and the deltas in the step summary', () => {
    const summary = at('summary.md');
    const r = kvlint(['compare', 'before.json', 'after.json', '-f', 'github', '--max-drop', 'cache-hit-rate=5'], { cwd: tmp, env: { GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error title=kvlint compare::cache-hit-rate dropped 87\.5 points \(reported, 87\.5%25 → 0\.0%25\)/m);
    const md = readFileSync(summary, 'utf8');
    expect(md).toMatch(/^## ❌ kvlint compare$/m);
    expect(md).toContain('| cache hit rate | 87.5% → 0.0% (-87.5 pts) | 87.5% → 87.5% (±0.0 pts) | 87.5% → 0.0% (-87.5 pts) |');
    expect(md).toContain('- ❌ cache-hit-rate dropped 87.5 points');
    expect(md).toMatch(/^\| new \| KV101 \| `traffic\.jsonl:\d+` \|/m);
  });

  it('reads merged shard reports, and refuses a lone shard (exit 2)', () => {
    const dir = at('after');
    for (const i of [1, 2]) kvlint(['traffic.jsonl', '--group-by', 'metadata.user_id', '-f', 'json', '--shard', `${i}/2`, '-o', at(`shard${i}.json`)], { cwd: dir });
    expect(kvlint(['merge', at('shard1.json'), at('shard2.json'), '-f', 'json', '-o', at('merged.json')], { cwd: dir }).code).not.toBe(2);
    const whole = JSON.parse(compare(['before.json', 'after.json', '-f', 'json']).stdout) as Comparison;
    const merged = JSON.parse(compare(['before.json', 'merged.json', '-f', 'json']).stdout) as Comparison;
    expect({ ...merged, after: { ...merged.after, file: 'after.json' } }).toEqual(whole);
    const lone = compare(['before.json', 'shard1.json']);
    expect(lone.code).toBe(2);
    expect(lone.stderr).toMatch(/shard1\.json is shard 1\/2 of a split run.*\nhint: merge the shards first/);
  });

  it('refuses reports of different major versions, reports without metrics, and bad gates (exit 2)', () => {
    const next = JSON.parse(readFileSync(at('after.json'), 'utf8')) as Report;
    next.version = '1.0.0';
    writeFileSync(at('v1.json'), JSON.stringify(next));
    const v = compare(['before.json', 'v1.json']);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/before\.json was written by kvlint 0\.1\.0, v1\.json by kvlint 1\.0\.0: reports of different major versions/);
    expect(kvlint(['fixtures/demo/clean.prompty', '-f', 'json', '-o', at('templates.json')]).code).toBe(0);
    const none = compare(['before.json', 'templates.json']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/templates\.json has no cache metrics: its run had no request log with a priced model/);
    const bad = compare(['before.json', 'after.json', '--max-drop', 'hit-rate=5']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--max-drop 'hit-rate=5': unknown metric 'hit-rate' \(did you mean cache-hit-rate\?\)/);
    expect(compare(['before.json', 'after.json', '--max-drop', 'cache-hit-rate']).code).toBe(2);
  });

  it('a gate on a metric one report cannot give fails with the reason', () => {
    const r = compare(['before.json', 'after.json', '-f', 'json', '--max-drop', 'reported:ttft-improvement=5']);
    expect(r.code).toBe(1);
    const g = (JSON.parse(r.stdout) as Comparison).gates[0]!;
    expect(g).toMatchObject({ passed: false, points: null, reason: 'no reported value in the before report: the log carries no measured TTFT' });
  });
});
