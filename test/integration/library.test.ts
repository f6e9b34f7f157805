// kvlint as a library, as a user gets it: the packed tarball installed into a fresh project (its
// dependencies from the npm cache, offline), where the README's API example runs as written, and a
// TypeScript consumer type-checks against the shipped declarations. The install must print no npm
// warning about lifecycle scripts (the package builds before packing, never at install).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

const built = existsSync(path.join(repoRoot, 'dist', 'bundle', 'index.js')) && existsSync(path.join(repoRoot, 'dist', 'types', 'index.d.ts'));

/** The README's runnable API example: the fenced block that starts with `// example.mjs`. */
export function readmeExample(readme: string): string {
  const m = /```js\n(\/\/ example\.mjs[^\n]*\n[\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('README.md has no ```js block starting with // example.mjs');
  return m[1]!;
}

const npm = (args: string[], cwd: string): SpawnSyncReturns<string> =>
  spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });

describe.skipIf(!built)('the packed package, installed into a fresh project', () => {
  let dir: string;
  let project: string;
  let install: SpawnSyncReturns<string>;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kvlint-consumer-'));
    const pack = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], repoRoot);
    expect(pack.status, pack.stderr).toBe(0);
    const [info] = JSON.parse(pack.stdout) as [{ filename: string }];
    project = path.join(dir, 'app');
    npm(['init', '-y'], dir); // a scratch package.json for the folder above, so npm does not climb further
    spawnSync('mkdir', ['-p', project]);
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }, null, 2));
    const tarball = path.join(dir, info.filename);
    // dependencies (and @types/node for the TypeScript consumer) from the cache `npm ci` filled; the
    // registry only when the cache lacks something
    const pkgs = [tarball, '@types/node@20'];
    install = npm(['install', '--offline', ...pkgs], project);
    if (install.status !== 0) install = npm(['install', '--prefer-offline', ...pkgs], project);
  }, 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('installs without any warning about lifecycle scripts', () => {
    expect(install.status, install.stderr).toBe(0);
    expect(`${install.stdout}\n${install.stderr}`).not.toMatch(/install-scripts|lifecycle|prepare|postinstall/i);
  });

  it("runs the README's API example as written", () => {
    const example = readmeExample(readFileSync(path.join(repoRoot, 'README.md'), 'utf8'));
    writeFileSync(path.join(project, 'example.mjs'), example);
    const r = spawnSync(process.execPath, ['example.mjs'], { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/KV10\d/); // the template's findings
    expect(r.stdout).toContain('kvlint: requests 0 and 1 do not share'); // the test helper's message
  });

  it('type-checks a TypeScript consumer against the shipped declarations (tsc --noEmit)', () => {
    writeFileSync(
      path.join(project, 'consumer.ts'),
      `import { lintText, lintFiles, analyzeLogs, hashRequest, diffRequests, formatReport, exitCode, VERSION, type Report, type Diagnostic, type RequestDiff, type LogView } from 'kvlint';
import { assertSharedPrefix, kvlintMatchers, CachePrefixError, type SharedPrefixOptions } from 'kvlint/testing';
import { createRecorder, type RecorderOptions } from 'kvlint/recorder';

const report: Report = await lintText('Today is {{ now }}.', { filePath: 'p.j2', model: 'gpt-4o', redact: false });
const first: Diagnostic | undefined = report.files[0]?.diagnostics[0];
const code: 0 | 1 = exitCode(report, 10);
const text: string = formatReport(await lintFiles(['prompts/**/*.j2'], { cwd: '.', quiet: true }), 'sarif');
const logs: Report = await analyzeLogs((async function* () { yield { model: 'gpt-4o', messages: [] }; })(), { name: 'x.jsonl', ttlSeconds: 300 });
const requests: number = (logs.logs as LogView).summary.requests;
const chain: string = (await hashRequest({ model: 'gpt-4o', messages: [] })).segments[0]!.chain;
const d: RequestDiff = await diffRequests({}, {}, { model: 'gpt-4o' });
const lost: number = d.lostTokens;
const options: SharedPrefixOptions = { through: 'system' };
await assertSharedPrefix([{}, {}], options).catch((e: unknown) => e instanceof CachePrefixError && e.divergence.segment);
const matcherResult: Promise<{ pass: boolean; message: () => string }> = kvlintMatchers.toShareCachePrefix([{}, {}], { through: 'all' });
const ro: RecorderOptions = { file: 'calls.jsonl', sampleRate: 0.1, redact: true };
const wrapped: { messages: { create(body: object): Promise<unknown> } } = createRecorder(ro).wrap({ messages: { create: async (b: object) => b } });
// @ts-expect-error a format that does not exist
formatReport(report, 'yaml');
export { first, code, text, logs, requests, chain, lost, matcherResult, wrapped, VERSION };
`,
    );
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] }, files: ['consumer.ts'] }, null, 2),
    );
    const tsc = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });
});
