// --assert and the config's `assert:`: thresholds on the cache metrics, run through the real binary on
// recorded traffic. The values asserted are the report's own metrics (src/project/metrics.ts).
import path from 'node:path';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { corpus, hasCorpus, kvlint } from '../helpers/cli.js';
import { evaluateAssertions, parseAssertion } from '../../src/project/assertions.js';
import type { Metrics } from '../../src/project/metrics.js';
import type { Report } from '../../src/report.js';

const cached = 'fixtures/logs/shared-cache/multi-user.jsonl';
const stamped = 'fixtures/logs/shared-cache/timestamp-per-request.jsonl';
const tmp = mkdtempSync(path.join(tmpdir(), 'kvlint-assert-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('parseAssertion', () => {
  it('reads operators, shares as % or fractions, and source prefixes', () => {
    expect(parseAssertion('cache-hit-rate>=90%')).toMatchObject({ metric: 'cacheHitRate', op: '>=', threshold: 0.9, source: 'auto' });
    expect(parseAssertion(' reported:cache-creation-rate < 0.1 ')).toMatchObject({ metric: 'cacheCreationRate', op: '<', threshold: 0.1, source: 'reported' });
    expect(parseAssertion('simulated:cost-savings>-5%')).toMatchObject({ metric: 'costSavings', op: '>', threshold: -0.05, source: 'simulated' });
    expect(parseAssertion('ttft-improvement<=.5')).toMatchObject({ metric: 'ttftImprovement', op: '<=', threshold: 0.5 });
  });

  it('refuses unknown metrics, operators and values with a usage error naming the expression', () => {
    expect(() => parseAssertion('hit-rate>=90%')).toThrow(/unknown metric 'hit-rate' \(did you mean cache-hit-rate\?\)/);
    expect(() => parseAssertion('cache-hit-rate=90%')).toThrow(/'cache-hit-rate=90%' is not an assertion/);
    expect(() => parseAssertion('cache-hit-rate>=high')).toThrow(/must be a share like 90% or 0.9/);
    expect(() => parseAssertion('cache-hit-rate>=90')).toThrow(/90 is not a share; write 90% or 0.9/);
  });
});

describe('evaluateAssertions', () => {
  const metric = (value: number | null, source: 'simulated' | 'reported', reason?: string) => ({ value, numerator: 0, denominator: 10, unit: 'requests' as const, source, ...(reason ? { reason } : {}) });
  const set = (v: number | null, source: 'simulated' | 'reported') => ({
    cacheHitRate: metric(v, source),
    cachedTokenRatio: metric(v, source),
    cacheCreationRate: metric(source === 'reported' ? null : v, source, 'the provider does not report cache writes'),
    ttftImprovement: metric(v, source),
    costSavings: metric(v, source),
  });
  const metrics: Metrics = { now: set(0.5, 'simulated'), fixed: set(0.9, 'simulated'), reported: set(0.8, 'reported'), reportedRequests: 10 };

  it('reads what the provider reported by default, the simulation where the report has no value', () => {
    const [hit, created] = evaluateAssertions([parseAssertion('cache-hit-rate>=80%'), parseAssertion('cache-creation-rate<=50%')], metrics);
    expect(hit).toMatchObject({ source: 'reported', value: 0.8, passed: true, requests: 10 });
    expect(created).toMatchObject({ source: 'simulated', value: 0.5, passed: true });
  });

  it('fails a metric its source cannot give, with the reason, instead of passing', () => {
    const [r] = evaluateAssertions([parseAssertion('reported:cache-creation-rate<10%')], metrics);
    expect(r).toMatchObject({ passed: false, value: null, reason: 'the provider does not report cache writes' });
    const [none] = evaluateAssertions([parseAssertion('cache-hit-rate>=0%')], undefined);
    expect(none).toMatchObject({ passed: false, value: null, requests: 0 });
    expect(none!.reason).toMatch(/no priced or measurable request/);
  });

  it('compares at the metrics\' precision: 90% >= 90% holds, 90% > 90% does not', () => {
    const m: Metrics = { ...metrics, reported: set(0.9, 'reported') };
    expect(evaluateAssertions([parseAssertion('cache-hit-rate>=0.9'), parseAssertion('cache-hit-rate>90%')], m).map((r) => r.passed)).toEqual([true, false]);
  });
});

describe('kvlint --assert', () => {
  it('passes (exit 0) when the metric holds on recorded traffic, and says so', () => {
    const r = kvlint([cached, '--assert', 'cache-hit-rate>=80%']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^✓ assert cache-hit-rate 87\.5% \(reported, 8 requests\) is >= 80%$/m);
  });

  it('fails (exit 1) with one line naming metric, value, threshold, source and requests', () => {
    const r = kvlint([stamped, '--assert', 'cache-hit-rate>=80%', '--assert', 'cached-token-ratio>=0%', '-f', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('kvlint: assertion failed: cache-hit-rate 0% (reported, 8 requests) is not >= 80%\n');
    const report = JSON.parse(r.stdout) as Report;
    expect(report.assertions).toEqual([
      { expr: 'cache-hit-rate>=80%', metric: 'cache-hit-rate', source: 'reported', value: 0, threshold: 0.8, op: '>=', passed: false, requests: 8 },
      expect.objectContaining({ expr: 'cached-token-ratio>=0%', passed: true }),
    ]);
    // the value is the report's metric, not a figure of its own
    expect(report.assertions![0]!.value).toBe(report.metrics!.reported!.cacheHitRate.value);
  });

  it('simulated: reads the replay even where the provider reported usage', () => {
    const r = kvlint([cached, '--assert', 'simulated:cache-creation-rate<=20%', '-f', 'json']);
    const a = (JSON.parse(r.stdout) as Report).assertions![0]!;
    expect(a).toMatchObject({ source: 'simulated', requests: 8 });
    expect(r.code).toBe(a.passed ? 0 : 1);
  });

  it('an unknown metric or a malformed expression is a usage error (exit 2) before any work', () => {
    const r = kvlint([cached, '--assert', 'hit-rate>=90%']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^kvlint: --assert 'hit-rate>=90%': unknown metric 'hit-rate' \(did you mean cache-hit-rate\?\) \(KVE101\)\nhint: write <metric><op><value>/);
    expect(kvlint([cached, '--assert', 'cache-hit-rate=>90%']).code).toBe(2);
    expect(kvlint([cached, '--assert', 'cache-hit-rate>=90', '--shard', '1/2']).code).toBe(2);
  });

  it('over inputs with no priced request, fails with that reason instead of passing vacuously', () => {
    const unpriced = kvlint(['fixtures/assert/unpriced-model.jsonl', '--assert', 'cache-hit-rate>=0%', '-f', 'json']);
    expect(unpriced.code).toBe(1);
    expect(unpriced.stderr).toMatch(/assertion failed: cache-hit-rate >= 0% failed: no priced or measurable request \(2 requests of acme-local-7b without a price row/);
    const templates = kvlint(['fixtures/demo/clean.prompty', '--assert', 'cost-savings>=0%']);
    expect(templates.code).toBe(1);
    expect(templates.stdout).toMatch(/✗ assert cost-savings >= 0% failed: no priced or measurable request: the inputs hold no request log/);
  });

  it('reads the config\'s assert: list, and refuses a bad entry there with file and line (exit 2)', () => {
    const ok = kvlint([cached, '-c', 'fixtures/config/assert/kvlint.config.yaml', '-f', 'json']);
    const report = JSON.parse(ok.stdout) as Report;
    expect(report.assertions!.map((a) => [a.metric, a.source, a.passed])).toEqual([
      ['cache-hit-rate', 'reported', true],
      ['cache-creation-rate', 'reported', false],
    ]);
    expect(ok.code).toBe(1);
    const bad = kvlint([cached, '-c', 'fixtures/config/assert/bad-metric.yaml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad-metric\.yaml:3: assert\[1\]: 'hit-ratio >= 0\.9': unknown metric 'hit-ratio'/);
  });

  it('shows in the github annotations and step summary; merge of the run\'s json keeps them', () => {
    const json = path.join(tmp, 'run.json');
    expect(kvlint([stamped, '--assert', 'cache-hit-rate>=80%', '-f', 'json', '-o', json]).code).toBe(1);
    const summary = path.join(tmp, 'summary.md');
    const r = kvlint(['merge', json, '-f', 'github', '--step-summary', summary]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error title=kvlint assert::assertion failed: cache-hit-rate 0%25 \(reported, 8 requests\) is not >= 80%25$/m);
    expect(readFileSync(summary, 'utf8')).toContain('| ❌ assert `cache-hit-rate>=80%` | cache-hit-rate 0% (reported, 8 requests) is not >= 80% |');
    // merge --assert gates the merged shards
    const shards = [1, 2].map((i) => path.join(tmp, `s${i}.json`));
    shards.forEach((f, i) => kvlint([cached, '-f', 'json', '--shard', `${i + 1}/2`, '-o', f]));
    const merged = kvlint(['merge', ...shards, '--assert', 'cache-hit-rate>=80%', '-f', 'json']);
    expect((JSON.parse(merged.stdout) as Report).assertions).toEqual([expect.objectContaining({ passed: true, requests: 8 })]);
  });

  it.skipIf(!hasCorpus)('on recorded Claude Code sessions of the corpus, gates on the reported hit rate', () => {
    const log = path.join(corpus, 'logs/claude_code_subagent.jsonl');
    expect(kvlint([log, '--assert', 'cache-hit-rate>=60%']).code).toBe(0);
    const r = kvlint([log, '--assert', 'cache-hit-rate>=90%', '-f', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('kvlint: assertion failed: cache-hit-rate 66.7% (reported, 3 requests) is not >= 90%\n');
  });
});
