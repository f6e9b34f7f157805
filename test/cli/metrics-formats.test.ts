// One log rendered in every format: the five cache metrics are the same numbers everywhere, each with its
// source (simulated now and fixed, reported by the provider). They are defined once (src/project/metrics.ts).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kvlint } from '../helpers/cli.js';
import { formatMetric, METRIC_NAMES, type Metrics } from '../../src/project/metrics.js';

const log = 'fixtures/logs/shared-cache/multi-user.jsonl';
const tmp = mkdtempSync(path.join(tmpdir(), 'kvlint-metrics-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the five cache metrics agree across formats', () => {
  const json = JSON.parse(kvlint([log, '-f', 'json']).stdout) as { metrics: Metrics; projection: { metrics: Metrics; total: { now: { hits: number; requests: number } } } };
  const m = json.metrics;

  it('json: top-level metrics, now / fixed / reported, each with its source', () => {
    expect(Object.keys(m.now)).toEqual([...METRIC_NAMES]);
    expect(json.projection.metrics).toEqual(m);
    expect(m.now.cacheHitRate).toMatchObject({ value: 0.875, numerator: 7, denominator: 8, source: 'simulated' });
    expect(m.reported?.cacheHitRate).toMatchObject({ value: 0.875, source: 'reported' });
    expect(m.reported?.ttftImprovement.value).toBeNull();
    // the hit rate is the same definition as the projection's own counts
    expect(m.now.cacheHitRate.numerator).toBe(json.projection.total.now.hits);
    for (const name of METRIC_NAMES) expect(m.fixed[name].source).toBe('simulated');
  });

  it('stylish, github summary, sarif and html print the same numbers', () => {
    const stylish = kvlint([log]).stdout;
    const summaryFile = path.join(tmp, 'summary.md');
    kvlint([log, '-f', 'github', '--step-summary', summaryFile]);
    const summary = readFileSync(summaryFile, 'utf8');
    const sarif = JSON.parse(kvlint([log, '-f', 'sarif']).stdout) as { runs: { properties: { metrics: Metrics } }[] };
    const html = kvlint([log, '-f', 'html']).stdout;
    expect(sarif.runs[0]!.properties.metrics).toEqual(m);
    for (const name of METRIC_NAMES) {
      const now = formatMetric(m.now[name]);
      expect(stylish, name).toContain(now);
      expect(summary, name).toContain(now);
      if (m.now[name].value !== null) expect(html, name).toContain(`data-metric="metrics.now.${name}" data-value="${m.now[name].value}"`);
      const reported = m.reported?.[name];
      if (reported && reported.value !== null) {
        expect(stylish, name).toContain(formatMetric(reported));
        expect(summary, name).toContain(`${formatMetric(reported)} reported`);
        expect(html, name).toContain(`data-metric="metrics.reported.${name}" data-value="${reported.value}"`);
      }
    }
  });
});
