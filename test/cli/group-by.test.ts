// --group-by: the projection's cost and metrics per value of a request field, on a multi-tenant log
// (fixtures/group-by/make-multi-tenant.py: three tenants share one cache; globex stamps the time into
// its system prompt). Groups are sums of the same rows as the totals, so they add up to them exactly.
import path from 'node:path';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { kvlint } from '../helpers/cli.js';
import { METRIC_NAMES } from '../../src/project/metrics.js';
import type { Report } from '../../src/report.js';
import type { GroupEntry, ProjectedRequest } from '../../src/project/projection-summary.js';

const log = 'fixtures/group-by/multi-tenant.jsonl';
const tmp = mkdtempSync(path.join(tmpdir(), 'kvlint-group-by-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[]): { report: Report; stderr: string; code: number | null } {
  const r = kvlint([...args, '-f', 'json']);
  return { report: JSON.parse(r.stdout) as Report, stderr: r.stderr, code: r.code };
}

describe('kvlint --group-by', () => {
  const { report, stderr } = run([log, '--group-by', 'metadata.tenant', '--group-by', 'metadata.user_id', '--group-by', 'request_id']);
  const p = report.projection!;
  const [tenant, user, requestId] = p.byGroup!;

  it('gives metrics and money per tenant, costliest first, adding up to the totals', () => {
    expect(tenant!.field).toBe('metadata.tenant');
    expect(tenant!.groups).toHaveLength(3);
    expect(tenant!.groups.map((g) => [g.value, g.requests])).toEqual(expect.arrayContaining([['globex', 10], ['acme', 10], ['initech', 10]]));
    expect(tenant!.groups[0]!.value).toBe('globex'); // the tenant whose timestamp breaks every read costs most
    const globex = tenant!.groups[0]!;
    expect(globex.metrics.reported!.cacheHitRate).toMatchObject({ value: 0, numerator: 0, denominator: 10 });
    const acme = tenant!.groups.find((g) => g.value === 'acme')!;
    expect(acme.metrics.reported!.cacheHitRate).toMatchObject({ value: 0.9, numerator: 9, denominator: 10 });
    expect(globex.cost.saved).toBeGreaterThan(0);
    // the same sums as the totals: requests, cost and every metric's numerator and denominator
    const sum = (f: (g: GroupEntry) => number) => tenant!.groups.reduce((a, g) => a + f(g), 0);
    expect(sum((g) => g.requests)).toBe(p.total.now.requests);
    expect(sum((g) => g.cost.now)).toBe(p.total.now.cost.total);
    expect(sum((g) => g.cost.fixed)).toBe(p.total.fixed.cost.total);
    for (const name of METRIC_NAMES) {
      if (p.metrics.now[name].unit === 'ms') continue; // TTFT sums are floating point
      expect(sum((g) => g.metrics.now[name].numerator), name).toBe(p.metrics.now[name].numerator);
      expect(sum((g) => g.metrics.now[name].denominator), name).toBe(p.metrics.now[name].denominator);
      expect(sum((g) => g.metrics.reported![name].numerator), name).toBe(p.metrics.reported![name].numerator);
    }
  });

  it('lists the top 20 groups by cost and sums the rest as "…and N more"', () => {
    expect(user!.groups).toHaveLength(20);
    expect(user!.more).toMatchObject({ groups: 5, requests: 5 });
    const costs = user!.groups.map((g) => g.cost.now);
    expect(costs).toEqual([...costs].sort((a, b) => b - a));
    expect(Math.min(...costs)).toBeGreaterThanOrEqual(user!.more!.cost.now / 5);
    expect(user!.groups.reduce((a, g) => a + g.requests, 0) + user!.more!.requests).toBe(30);
  });

  it('refuses a field with a distinct value per request, with a hint', () => {
    expect(requestId).toEqual({ field: 'request_id', groups: [], refused: expect.stringMatching(/every request has its own request_id \(30 values\): group by a field requests share, e\.g\. metadata\.user_id/) });
    expect(stderr).toMatch(/^kvlint: note: --group-by request_id: not grouped: every request has its own request_id/m);
  });

  it('each row carries its values, so shards merge into the single run\'s groups', () => {
    expect((p.requests as unknown as ProjectedRequest[])[0]!.groups).toEqual(['acme', 'customer-0', 'req-1000']);
    const args = [log, 'fixtures/logs/shared-cache', '--group-by', 'metadata.tenant', '--group-by', ':file'];
    const one = run(args).report.projection!;
    const files = [1, 2, 3].map((i) => path.join(tmp, `s${i}.json`));
    files.forEach((f, i) => expect(kvlint([...args, '-f', 'json', '--shard', `${i + 1}/3`, '-o', f]).code).not.toBe(2));
    const merged = JSON.parse(kvlint(['merge', ...files, '-f', 'json']).stdout) as Report;
    expect(merged.projection!.byGroup).toEqual(one.byGroup);
    expect(merged.projection!.requests).toEqual(one.requests);
    // :file groups by input file; requests without a tenant form the (none) group
    const byFile = one.byGroup![1]!;
    expect(byFile.groups.map((g) => g.value).sort()).toEqual([log, 'fixtures/logs/shared-cache/multi-user.jsonl', 'fixtures/logs/shared-cache/timestamp-per-request.jsonl']);
    expect(one.byGroup![0]!.groups.find((g) => g.value === null)?.requests).toBe(16);
  });

  it('prints a table per field in stylish and html', () => {
    const r = kvlint([log, '--group-by', 'metadata.tenant', '--group-by', 'metadata.user_id']);
    expect(r.stdout).toMatch(/^By metadata\.tenant: 3 groups, costliest first/m);
    expect(r.stdout).toMatch(/^ {2}globex +10 +\$0\.\d+ +\$0\.\d+ +\$0\.\d+ +0\.0% +0\.0% +100\.0% +-?\d+\.\d%$/m);
    expect(r.stdout).toMatch(/^ {2}…and 5 more: 5 requests, \$0\.\d+ now, \$[\d.]+ saved if fixed$/m);
    const html = kvlint([log, '--group-by', 'metadata.tenant', '-f', 'html']).stdout;
    expect(html).toContain('<h2>By metadata.tenant');
    expect(html).toMatch(/<tr><td>globex<\/td><td>10<\/td>/);
  });

  it('notes a field no request carries, and refuses a malformed path (exit 2)', () => {
    const r = run([log, '--group-by', 'metadata.nope']);
    expect(r.report.projection!.byGroup![0]!.groups).toEqual([expect.objectContaining({ value: null, requests: 30 })]);
    expect(r.stderr).toMatch(/--group-by metadata\.nope: no request carries this field/);
    const bad = kvlint([log, '--group-by', 'metadata..tenant']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--group-by 'metadata\.\.tenant' is not a field path/);
  });

  it('redacts values like lineage keys: two addresses stay two groups, neither printed', () => {
    const r = kvlint(['fixtures/group-by/email-users.jsonl', '--group-by', 'metadata.user_id', '-f', 'json']);
    expect(r.stdout).not.toContain('@example.com');
    const groups = (JSON.parse(r.stdout) as Report).projection!.byGroup![0]!.groups;
    expect(groups.map((g) => [g.value, g.requests])).toEqual([
      [expect.stringMatching(/^\[REDACTED:email\]~[0-9a-f]{8}$/), 2],
      [expect.stringMatching(/^\[REDACTED:email\]~[0-9a-f]{8}$/), 1],
    ]);
    expect(groups[0]!.value).not.toBe(groups[1]!.value);
  });

  it('without --group-by the report has no groups and rows carry none', () => {
    const plain = run([log]).report.projection!;
    expect(plain.byGroup).toBeUndefined();
    expect((plain.requests as unknown as ProjectedRequest[])[0]!.groups).toBeUndefined();
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean)).toHaveLength(30);
  });
});
