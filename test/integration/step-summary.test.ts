// The CI step summary: appended to $GITHUB_STEP_SUMMARY in --format github, or to --step-summary FILE;
// findings, tokens at risk, the logs' shared prefixes and the cache metrics, in Markdown; nothing when neither is set.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatStepSummary } from '../../src/formatters/summary.js';
import { formatMetric } from '../../src/project/metrics.js';
import type { LogAnalysis } from '../../src/logs/types.js';
import type { Report } from '../../src/report.js';
import { kvlint, repoRoot } from '../helpers/cli.js';

describe('step summary', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kvlint-summary-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const log = path.join(repoRoot, 'fixtures/logs/anthropic-bodies.jsonl');
  const demo = path.join(repoRoot, 'fixtures/demo');

  it('is appended to $GITHUB_STEP_SUMMARY with --format github, with the JSON report numbers', () => {
    const file = path.join(dir, 'summary.md');
    writeFileSync(file, '## earlier step\n\n');
    const r = kvlint([demo, log, '-f', 'github'], { env: { GITHUB_STEP_SUMMARY: file } });
    expect(r.stdout).toMatch(/^::(error|warning) file=/m);
    const md = readFileSync(file, 'utf8');
    expect(md.startsWith('## earlier step\n\n## ❌ kvlint\n')).toBe(true);
    const json = JSON.parse(kvlint([demo, log, '-f', 'json']).stdout) as Report;
    const logs = json.logs as LogAnalysis;
    expect(md).toContain(`| findings | ${json.summary.errors} errors, ${json.summary.warnings} warnings`);
    expect(md).toContain(`| cacheable tokens at risk | ≈${json.summary.tokensAtRisk.toLocaleString('en-US')} |`);
    expect(md).toContain(`| prompt tokens sharing a prefix with an earlier request | ≈${logs.summary.reusedTokens.toLocaleString('en-US')} of`);
    // the cache metrics, from the one definition every format uses
    if (json.metrics) expect(md).toContain(`| cache hit rate | ${formatMetric(json.metrics.now.cacheHitRate)} simulated now`);
    expect(md).toMatch(/\| error \| \[KV1\d\d\]\(https:\/\/github\.com\/kvlint\/kvlint#kv1\d\d\) \|/);
  });

  it('is written to --step-summary in any format, and not at all otherwise', () => {
    const file = path.join(dir, 's.md');
    kvlint([demo, '-f', 'json', '--step-summary', file]);
    expect(readFileSync(file, 'utf8')).toContain('## ❌ kvlint');
    const other = path.join(dir, 'unused.md');
    kvlint([demo, '-f', 'json'], { env: { GITHUB_STEP_SUMMARY: other } });
    expect(existsSync(other)).toBe(false);
  });

  it('shows savings when the report carries a projection, and none when it does not', () => {
    const base: Report = {
      version: 't',
      files: [],
      problems: [],
      rules: {},
      summary: { files: 1, errors: 0, warnings: 0, infos: 0, fixable: 0, tokensAtRisk: 0, approx: false, skipped: 0 },
    };
    const clean = formatStepSummary(base, '/');
    expect(clean).toContain('## ✅ kvlint');
    expect(clean).not.toContain('saved');
    const withProjection = formatStepSummary({ ...base, projection: { total: { savings: { total: 12_345_000, pct: 41.5, ttftP50Ms: 850 } } } } as unknown as Report, '/');
    expect(withProjection).toContain('| $ saved if fixed (≈ projection) | $12.35 (41.5%) |');
    expect(withProjection).toContain('| TTFT saved, median (≈ projection) | 850 ms |');
  });
});
