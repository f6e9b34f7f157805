// The npm package is what `npx kvlint` runs: `files` in package.json picks the build's bundle, its data
// snapshot and rank files, the rules and the data. Packs the working tree (scripts skipped: the suite's
// build is used), unpacks it elsewhere next to this repo's node_modules, and runs its binary on a
// template set and on logs: it must work without anything it did not ship, and print what the
// repository's binary prints.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kvlint, repoRoot } from '../helpers/cli.js';

const built = existsSync(path.join(repoRoot, 'dist', 'bundle', 'cli.js'));

/** The packed size, in bytes, above which a change to the package's contents should be looked at. */
const PACKED_BYTES_LIMIT = 5 * 1024 * 1024;

describe.skipIf(!built)('the npm package', () => {
  let dir: string;
  let files: string[];
  let packedBytes: number;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kvlint-pack-'));
    const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: repoRoot, encoding: 'utf8' });
    expect(pack.status, pack.stderr).toBe(0);
    const [info] = JSON.parse(pack.stdout) as [{ filename: string; size: number; files: { path: string }[] }];
    files = info.files.map((f) => f.path);
    packedBytes = info.size;
    const untar = spawnSync('tar', ['-xzf', path.join(dir, info.filename), '-C', dir], { encoding: 'utf8' });
    expect(untar.status, untar.stderr).toBe(0);
    // the package's dependencies, as an install would provide them
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'package', 'node_modules'), 'dir');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ships the bundle, its worker scripts, the snapshot, the rank files, the rules and the data, and nothing unbuilt', () => {
    for (const f of ['bin/kvlint.js', 'dist/bundle/cli.js', 'dist/bundle/job-worker.js', 'dist/bundle/read-worker.js', 'dist/bundle/worker.js', 'LICENSE']) expect(files).toContain(f);
    // the library's entry points and their declarations (package.json exports)
    for (const f of ['dist/bundle/index.js', 'dist/bundle/testing.js', 'dist/bundle/recorder.js', 'dist/types/index.d.ts', 'dist/types/testing.d.ts', 'dist/types/recorder.d.ts']) expect(files).toContain(f);
    // no source map: it would point at files the package does not ship
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    for (const f of ['dist/snapshot.json', 'dist/tokenize/o200k_base.ranks', 'dist/tokenize/cl100k_base.ranks', 'data/prices.yaml', 'data/ttft.yaml']) expect(files).toContain(f);
    const rules = readdirSync(path.join(repoRoot, 'rules')).filter((n) => n.endsWith('.yaml'));
    for (const r of rules) expect(files).toContain(`rules/${r}`);
    expect(files.filter((f) => /^(src|test|fixtures|bench)\//.test(f) || /^dist\/(?!bundle\/|types\/.*\.d\.ts$|snapshot\.json$|tokenize\/[\w]+\.ranks$)/.test(f))).toEqual([]);
    expect(files.filter((f) => /^dist\/types\/build-/.test(f))).toEqual([]);
    expect(packedBytes).toBeLessThan(PACKED_BYTES_LIMIT);
  });

  const run = (args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(dir, 'package', 'bin', 'kvlint.js'), ...args], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', GITHUB_STEP_SUMMARY: '' },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('prints what the repository binary prints, on templates and on logs', () => {
    for (const args of [
      ['--version'],
      ['fixtures/demo', '--no-color'],
      ['--format', 'json', 'fixtures/logs/anthropic-bodies.jsonl', 'fixtures/logs/openai-chat.jsonl.gz', 'fixtures/logs/cassette.yaml'],
      ['--format', 'json', '--engine', 'vllm', '--price', 'input=0.1', 'fixtures/logs/mixed-apis.jsonl'],
    ]) {
      const packed = run(args);
      const repo = kvlint(args, { env: { NO_COLOR: '1' } });
      expect(packed.stderr).toBe(repo.stderr);
      expect(packed.stdout).toBe(repo.stdout);
      expect(packed.code).toBe(repo.code);
      expect(packed.stdout.length).toBeGreaterThan(0);
    }
  });
});
