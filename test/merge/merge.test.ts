// `--shard i/n` and `kvlint merge`: the real binary, on the fixtures and the corpus. The promise is
// exact: the merged json of n shards is byte for byte the json of one run, and so is every other format.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { corpus, hasCorpus, kvlint } from '../helpers/cli.js';
import { parseShard, shardOf } from '../../src/shard.js';
import type { Report } from '../../src/report.js';
import type { LogAnalysis } from '../../src/logs/types.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'kvlint-merge-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs the inputs whole and in n shards; returns the whole report's json and the shard report files. */
function shards(inputs: string[], n: number, extra: string[] = []): { whole: string; wholeCode: number | null; files: string[]; reports: Report[] } {
  const w = kvlint([...inputs, ...extra, '-f', 'json']);
  expect(w.stderr).toBe('');
  const files: string[] = [];
  const reports: Report[] = [];
  for (let i = 1; i <= n; i++) {
    const out = path.join(tmp, `${path.basename(inputs[0]!)}-${i}of${n}.json`);
    const r = kvlint([...inputs, ...extra, '-f', 'json', '--shard', `${i}/${n}`, '-o', out]);
    expect(r.stderr).toBe('');
    expect([0, 1]).toContain(r.code); // a shard's exit code reflects its own findings
    files.push(out);
    reports.push(JSON.parse(readFileSync(out, 'utf8')) as Report);
  }
  return { whole: w.stdout, wholeCode: w.code, files, reports };
}

describe('kvlint merge of --shard reports', () => {
  const inputs = ['fixtures/logs', 'fixtures/templates'];

  it.each([1, 2, 3])('merging %i shards of the fixtures gives the same json as one run', (n) => {
    const { whole, wholeCode, files, reports } = shards(inputs, n);
    const logs = (r: Report) => r.logs as LogAnalysis;
    const all = JSON.parse(whole) as Report;
    // the split is real: every shard analyzes part of the requests, none twice
    expect(reports.reduce((a, r) => a + logs(r).summary.requests, 0)).toBe(logs(all).summary.requests);
    expect(reports.reduce((a, r) => a + logs(r).lineages.length, 0)).toBe(logs(all).lineages.length);
    if (n > 1) for (const r of reports) expect(logs(r).summary.requests).toBeLessThan(logs(all).summary.requests);
    for (const r of reports) expect(r.shard).toMatchObject({ count: n });
    const m = kvlint(['merge', ...files, '-f', 'json']);
    expect(m.stderr).toBe('');
    expect(m.stdout).toBe(whole);
    expect(m.code).toBe(wholeCode);
  });

  it('with one engine pool for all traffic, the shards still merge into the single run', () => {
    const { whole, files } = shards(['fixtures/logs'], 2, ['--engine', 'vllm']);
    expect(kvlint(['merge', ...files, '-f', 'json']).stdout).toBe(whole);
  });

  it('every format of the merged report matches one run, exit code included', () => {
    const { files } = shards(inputs, 3);
    for (const format of ['stylish', 'sarif', 'github', 'html', 'gitlab', 'junit', 'unix']) {
      const one = kvlint([...inputs, '-f', format]);
      const merged = kvlint(['merge', ...files, '-f', format]);
      expect(merged.stdout, format).toBe(one.stdout);
      expect(merged.code, format).toBe(one.code);
    }
  });

  it.skipIf(!hasCorpus)('on the whole corpus, 4 shards merge into the single run (Responses chains stay whole)', () => {
    const { whole, files, reports } = shards([corpus], 4);
    expect(kvlint(['merge', ...files, '-f', 'json']).stdout).toBe(whole);
    // a previous_response_id chain is followed before the shard filter: the chain lives whole in one shard
    const file = 'pai_openai_responses_previous_response_id_compact.yaml';
    const chainOf = (r: Report) => (r.logs as LogAnalysis).lineages.filter((l) => l.requests.some((q) => q.file.endsWith(file)));
    const inWhole = chainOf(JSON.parse(whole) as Report);
    expect(inWhole.some((l) => l.requests.length > 1)).toBe(true);
    const inShards = reports.flatMap(chainOf);
    for (const l of inWhole) expect(inShards.filter((x) => x.lineage === l.lineage)).toEqual([l]);
  });

  it('a baseline is applied (or written) by merge, as one run applies it', () => {
    const { files } = shards(inputs, 2);
    const baseline = path.join(tmp, 'baseline.json');
    const written = kvlint(['merge', ...files, '--update-baseline', '--baseline', baseline]);
    expect(written.stderr).toMatch(/wrote \d+ findings?/);
    const one = kvlint([...inputs, '--baseline', baseline, '-f', 'json']);
    const merged = kvlint(['merge', ...files, '--baseline', baseline, '-f', 'json']);
    expect(merged.code).toBe(one.code); // still 1: fixtures/logs holds files that cannot be analyzed
    expect(merged.stdout).toBe(one.stdout);
    const r = JSON.parse(merged.stdout) as Report;
    expect(r.summary.errors + r.summary.warnings).toBe(0);
    expect(r.problems.length).toBeGreaterThan(0);
  });

  it('merges reports of separate runs over different files like one run that keeps their caches apart', () => {
    const a = 'fixtures/logs/anthropic-bodies.jsonl';
    const b = 'fixtures/logs/cassette.yaml';
    // separate runs are separate caches: one run over both, each file its own cache scope
    const one = kvlint([a, b, '--cache-scope', ':file', '-f', 'json']);
    const ra = path.join(tmp, 'a.json');
    const rb = path.join(tmp, 'b.json');
    kvlint([a, '-f', 'json', '-o', ra]);
    kvlint([b, '-f', 'json', '-o', rb]);
    const m = kvlint(['merge', ra, rb, '-f', 'json']);
    expect(m.stderr).toBe('');
    expect(m.stdout).toBe(one.stdout);
  });
});

describe('what merge refuses (exit 2, saying why)', () => {
  const { files } = shards(['fixtures/logs'], 3);

  it('a missing shard, a shard twice, or shards of different runs', () => {
    const missing = kvlint(['merge', files[0]!, files[2]!]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/shard 2\/3 missing/);
    const twice = kvlint(['merge', files[0]!, files[0]!, files[1]!]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/both shard 1\/3/);
    const other = path.join(tmp, 'other.json');
    kvlint(['fixtures/logs', '--ttl', '60', '-f', 'json', '--shard', '2/3', '-o', other]);
    const mixed = kvlint(['merge', files[0]!, other, files[2]!]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/different run/);
  });

  it('a whole report mixed with shards, and one file analyzed twice', () => {
    const whole = path.join(tmp, 'whole.json');
    kvlint(['fixtures/logs', '-f', 'json', '-o', whole]);
    expect(kvlint(['merge', whole, ...files]).stderr).toMatch(/not a --shard report/);
    const twice = kvlint(['merge', whole, whole]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/both checked .*merging would count it twice/);
  });

  it('files that are not kvlint json reports, or from another version', () => {
    const notJson = kvlint(['merge', 'README.md']);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/README\.md is not JSON/);
    const notReport = path.join(tmp, 'not-report.json');
    writeFileSync(notReport, '{"hello": 1}');
    expect(kvlint(['merge', notReport]).stderr).toMatch(/not a kvlint json report/);
    const old = path.join(tmp, 'old.json');
    writeFileSync(old, readFileSync(files[0]!, 'utf8').replace(/"version": "[^"]+"/, '"version": "0.0.1"'));
    expect(kvlint(['merge', old, files[1]!, files[2]!]).stderr).toMatch(/written by kvlint 0\.0\.1/);
    expect(kvlint(['merge', path.join(tmp, 'absent.json')]).code).toBe(2);
  });

  it('a baseline in a shard (counted over the whole run), or a shard number out of range', () => {
    const b = kvlint(['fixtures/templates', '--update-baseline', '--baseline', path.join(tmp, 'b.json'), '--shard', '1/2']);
    expect(b.code).toBe(2);
    const b2 = kvlint(['fixtures/templates', '--baseline', path.join(tmp, 'b.json'), '--shard', '1/2']);
    expect(b2.code).toBe(2);
    expect(b2.stderr).toMatch(/pass --baseline to kvlint merge/);
    for (const bad of ['0/2', '3/2', 'x', '1/0']) expect(kvlint(['fixtures/logs', '--shard', bad]).stderr).toMatch(/--shard takes i\/n/);
  });
});

describe('shardOf', () => {
  it('puts every key in exactly one shard of 1…n, the same on every call', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 64 }), (key, n) => {
        const s = shardOf(key, n);
        expect(s).toBeGreaterThanOrEqual(1);
        expect(s).toBeLessThanOrEqual(n);
        expect(shardOf(key, n)).toBe(s);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('spreads lineage keys evenly', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[shardOf(`session-${i}`, 4) - 1]!++;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(120);
  });

  it('parses i/n', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    expect(() => parseShard('5/4')).toThrow(/1 ≤ i ≤ n/);
  });
});
