// Opens the HTML report in a real (headless) Chromium: the numbers on the page must be the JSON report's,
// the page must log no error and fetch nothing from the network, the charts must be drawn, the filter must
// work, and a screenshot is kept in test/.tmp/html-report.png for a person to look at.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogAnalysis } from '../../src/logs/types.js';
import type { Report } from '../../src/report.js';
import { corpus, hasCorpus, kvlint, repoRoot } from '../helpers/cli.js';
import { CHROMIUM, hasChromium, launch } from './browser.js';

if (!hasChromium) {
  console.warn(`[skip] HTML report browser test: no Chromium at ${CHROMIUM} (apt-get install chromium, or set KVLINT_CHROMIUM)`);
}

// Real numbers from the corpus when it is there; the repo's own fixture logs otherwise.
const inputs = hasCorpus
  ? [path.join(corpus, 'logs/claude_code_tool_heavy.jsonl'), path.join(corpus, 'logs/pai_anthropic_tool_search_tools_change.yaml'), path.join(repoRoot, 'fixtures/demo')]
  : [path.join(repoRoot, 'fixtures/logs/anthropic-bodies.jsonl'), path.join(repoRoot, 'fixtures/demo')];

describe.skipIf(!hasChromium)('HTML report in headless Chromium', () => {
  let dir: string;
  let report: Report;
  let htmlFile: string;
  let metrics: Record<string, number>;
  let lineageMetrics: Record<string, Record<string, number>>;
  const consoleErrors: string[] = [];
  const network: string[] = [];
  let rows = 0;
  let charts = 0;
  let bars = 0;
  let filtered = -1;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kvlint-html-'));
    const json = kvlint([...inputs, '-f', 'json']);
    expect(json.stderr).toBe('');
    report = JSON.parse(json.stdout) as Report;
    htmlFile = path.join(dir, 'report.html');
    const html = kvlint([...inputs, '-f', 'html', '-o', htmlFile]);
    expect(html.code).toBe(json.code);
    const b = await launch();
    close = b.close;
    b.context.on('request', (r) => {
      if (!r.url().startsWith('file:')) network.push(r.url());
    });
    const page = await b.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load' });
    metrics = await page.$$eval('[data-metric]:not([data-metric^="lineage."])', (els) =>
      Object.fromEntries(els.map((e) => [e.getAttribute('data-metric') ?? '', Number(e.getAttribute('data-value'))])),
    );
    lineageMetrics = await page.$$eval('section.lineage', (secs) =>
      Object.fromEntries(
        secs.map((s) => [
          s.getAttribute('data-lineage') ?? '',
          Object.fromEntries(
            [...s.querySelectorAll('[data-metric]')].map((e) => [(e.getAttribute('data-metric') ?? '').replace(/^lineage\.\d+\./, ''), Number((e.textContent ?? '').replace(/[≈,]/g, ''))]),
          ),
        ]),
      ),
    );
    rows = await page.locator('#findings tbody tr').count();
    charts = await page.locator('svg[data-chart="lineage"]').count();
    bars = await page.locator('svg[data-chart="lineage"] rect.cached').count();
    if (rows > 0) {
      await page.fill('#findings-filter', 'KV107');
      filtered = await page.locator('#findings tbody tr:visible').count();
      await page.fill('#findings-filter', '');
    }
    mkdirSync(path.join(repoRoot, 'test/.tmp'), { recursive: true });
    await page.screenshot({ path: path.join(repoRoot, 'test/.tmp/html-report.png'), fullPage: true });
  }, 90_000);

  afterAll(async () => {
    await close?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the summary numbers of the JSON report', () => {
    const s = report.summary;
    expect(metrics['summary.files']).toBe(s.files);
    expect(metrics['summary.errors']).toBe(s.errors);
    expect(metrics['summary.warnings']).toBe(s.warnings);
    expect(metrics['summary.tokensAtRisk']).toBe(s.tokensAtRisk);
    expect(metrics['summary.fixable']).toBe(s.fixable);
  });

  it('shows the log totals and each lineage as the JSON report has them', () => {
    const logs = report.logs as LogAnalysis;
    expect(logs.lineages.length).toBeGreaterThan(0);
    expect(metrics['logs.requests']).toBe(logs.summary.requests);
    expect(metrics['logs.breaks']).toBe(logs.summary.breaks);
    expect(metrics['logs.tokens']).toBe(logs.summary.tokens);
    expect(metrics['logs.reusedTokens']).toBe(logs.summary.reusedTokens);
    expect(metrics['logs.lostTokens']).toBe(logs.summary.lostTokens);
    // the cache metrics are the report's own (src/project/metrics.ts), not recomputed by the page
    const m = (report as { metrics?: { now: Record<string, { value: number | null }> } }).metrics;
    if (m) for (const [name, v] of Object.entries(m.now)) if (v.value !== null) expect(metrics[`metrics.now.${name}`], name).toBeCloseTo(v.value, 10);
    for (const l of logs.lineages.slice(0, 20)) {
      // the visible text, not only the attribute: what a person reads is what the JSON says
      expect(lineageMetrics[l.lineage], l.lineage).toEqual({ requests: l.requests.length, tokens: l.tokens, reusedTokens: l.reusedTokens, lostTokens: l.lostTokens, breaks: l.breaks });
    }
  });

  it('draws one chart per lineage with a bar per request, and lists every finding', () => {
    const logs = report.logs as LogAnalysis;
    expect(charts).toBe(Math.min(20, logs.lineages.length));
    expect(bars).toBe(logs.lineages.slice(0, 20).reduce((a, l) => a + Math.min(l.requests.length, 240), 0));
    const findings = report.files.reduce((a, f) => a + f.diagnostics.length, 0);
    expect(rows).toBe(findings);
    expect(metrics['findings.rows']).toBe(findings);
    const kv107 = report.files.flatMap((f) => f.diagnostics).filter((d) => `${d.code} ${d.ruleId} ${d.message} ${d.file} ${d.evidence ?? ''}`.includes('KV107')).length;
    expect(filtered).toBe(kv107);
  });

  it('shows cost now vs if fixed exactly when the report has a projection', () => {
    const total = (report as { projection?: { total?: { now: { cost: { total: number } }; fixed: { cost: { total: number } } } } }).projection?.total;
    if (total) {
      expect(metrics['projection.nowMicroUsd']).toBe(total.now.cost.total);
      expect(metrics['projection.fixedMicroUsd']).toBe(total.fixed.cost.total);
    } else expect(metrics['projection.nowMicroUsd']).toBeUndefined();
  });

  it('logs no errors and fetches nothing from the network', () => {
    expect(consoleErrors).toEqual([]);
    expect(network).toEqual([]);
  });

  it('is one self-contained file: no external scripts, styles or images', () => {
    const html = readFileSync(htmlFile, 'utf8');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']?https?:/i);
    expect(html).toContain("default-src 'none'");
    expect(existsSync(path.join(repoRoot, 'test/.tmp/html-report.png'))).toBe(true);
  });
});
