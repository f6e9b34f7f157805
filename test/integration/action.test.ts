// The composite GitHub Action: its shell step runs as a runner would run it (bash, the step's env with
// inputs substituted, GITHUB_ACTION_PATH, GITHUB_STEP_SUMMARY and GITHUB_OUTPUT set) on a copy of the demo,
// against the packed package (`npm pack`, installed by the step's own npx into a throwaway npm cache), as a
// released version would be. The SARIF upload (a GitHub service) is not run here. A second set of cases
// puts a recording `npx` first on PATH to check what reaches kvlint, argument by argument.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/cli.js';

interface Step {
  id?: string;
  run?: string;
  uses?: string;
  if?: string;
  'continue-on-error'?: boolean;
  env?: Record<string, string>;
}
interface Action {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as Action;
const built = existsSync(path.join(repoRoot, 'dist', 'bundle', 'cli.js'));

/** Substitutes `${{ inputs.x }}` the way the runner does, from the given inputs or their defaults. */
function expand(s: string, inputs: Record<string, string>): string {
  return s.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_m, k: string) => inputs[k] ?? action.inputs[k]?.default ?? '');
}

/** $GITHUB_OUTPUT's `name=value` lines as an object. */
function readOutputs(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('action.yml (composite)', () => {
  it('runs the released package with npx, installs no toolchain, and uploads SARIF without failing the job', () => {
    expect(action.runs.using).toBe('composite');
    const runs = action.runs.steps.filter((s) => s.run).map((s) => s.run!);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toContain('npx --yes --package="$spec" -- kvlint');
    expect(runs.join('\n')).not.toMatch(/npm (ci|install)|npm run build|bin\/kvlint\.js/);
    // no input is pasted into the script: all reach it through env
    expect(runs[0]).not.toContain('${{');
    const upload = action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload?.['continue-on-error']).toBe(true);
    expect(upload?.if).toContain("inputs.upload-sarif == 'true'");
    // only a SARIF file this run wrote is uploaded (a usage error leaves none)
    expect(upload?.if).toContain("steps.kvlint.outputs.sarif-written == 'true'");
    for (const name of ['version', 'assert', 'compare-to']) expect(action.inputs).toHaveProperty(name);
    for (const name of ['hit-rate', 'cost-savings', 'findings']) expect(action.outputs[name]?.value).toBe(`\${{ steps.kvlint.outputs.${name} }}`);
  });
});

describe.skipIf(!built)('action.yml against the packed package', () => {
  let dir: string;
  let tarball: string;
  const file = (name: string) => path.join(dir, name);

  const runStep = (inputs: Record<string, string>, extraEnv: Record<string, string> = {}) => {
    const step = action.runs.steps.find((s) => s.id === 'kvlint')!;
    for (const f of ['step-summary.md', 'outputs.txt', 'kvlint.sarif', 'kvlint-report.json']) rmSync(file(f), { force: true });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      GITHUB_ACTION_PATH: repoRoot,
      GITHUB_STEP_SUMMARY: file('step-summary.md'),
      GITHUB_OUTPUT: file('outputs.txt'),
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      // the package and its dependencies go into a cache thrown away with the test's folder
      npm_config_cache: file('.npm'),
      npm_config_update_notifier: 'false',
      NO_COLOR: '1',
      ...extraEnv,
    };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expand(v, { version: tarball, ...inputs });
    return spawnSync('bash', ['-e', '-c', step.run!], { cwd: dir, env, encoding: 'utf8', timeout: 180_000 });
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kvlint-action-'));
    const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: repoRoot, encoding: 'utf8' });
    expect(pack.status, pack.stderr).toBe(0);
    tarball = path.join(dir, (JSON.parse(pack.stdout) as [{ filename: string }])[0].filename);
    cpSync(path.join(repoRoot, 'fixtures/demo'), path.join(dir, 'prompts'), { recursive: true });
    mkdirSync(path.join(dir, 'logs'));
    cpSync(path.join(repoRoot, 'fixtures/logs/claude-code.jsonl'), path.join(dir, 'logs/session.jsonl'));
    // listed in .gitignore: only a glob that reaches kvlint unexpanded leaves it out
    cpSync(path.join(repoRoot, 'fixtures/precommit/bad-system.txt'), path.join(dir, 'prompts/ignored.txt'));
    writeFileSync(path.join(dir, '.gitignore'), 'prompts/ignored.txt\n.npm/\n');
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('one run writes the json report, SARIF, annotations, the job summary and the outputs, and fails on error findings', () => {
    const r = runStep({ paths: 'prompts logs' });
    expect(r.status, r.stderr).toBe(1);
    const report = JSON.parse(readFileSync(file('kvlint-report.json'), 'utf8')) as { summary: { errors: number; warnings: number; infos: number } };
    const sarif = JSON.parse(readFileSync(file('kvlint.sarif'), 'utf8')) as { runs: Array<{ results: unknown[] }> };
    const findings = report.summary.errors + report.summary.warnings + report.summary.infos;
    expect(sarif.runs[0]!.results).toHaveLength(findings);
    expect(r.stdout).toMatch(/^::error file=prompts\/support-agent\.j2,line=\d+,col=\d+/m);
    expect(r.stdout).toMatch(/^::notice::kvlint: /m);
    expect(readFileSync(file('step-summary.md'), 'utf8')).toMatch(/^## ❌ kvlint\n/m);
    expect(readOutputs(file('outputs.txt'))).toEqual({ 'sarif-written': 'true', findings: String(findings), 'hit-rate': '0.75', 'cost-savings': '0.6952' });
  });

  it('gates on assertions and on a comparison with a base report, each in the job summary', () => {
    expect(runStep({ paths: 'logs' }).status).toBe(1); // the log has a finding
    cpSync(file('kvlint-report.json'), file('base.json'));
    const r = runStep({ paths: 'logs', assert: 'cache-hit-rate>=90%\ncache-hit-rate>=50%', 'compare-to': 'base.json', 'compare-args': '--max-drop cache-hit-rate=5' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^::error title=kvlint assert::assertion failed: cache-hit-rate 75%25 \(reported, 4 requests\) is not >= 90%25$/m);
    const summary = readFileSync(file('step-summary.md'), 'utf8');
    expect(summary).toContain('| ❌ assert `cache-hit-rate>=90%` | cache-hit-rate 75% (reported, 4 requests) is not >= 90% |');
    expect(summary).toContain('| ✅ assert `cache-hit-rate>=50%` |');
    // the same traffic: no metric moved, no gate failed
    expect(summary).toMatch(/^## ✅ kvlint compare$/m);
    expect(summary).toContain('| cache hit rate | 75.0% → 75.0% (±0.0 pts) |');
    expect(readOutputs(file('outputs.txt'))['hit-rate']).toBe('0.75');
  });

  it('hands globs to kvlint unexpanded, so .gitignore applies to them', () => {
    const r = runStep({ paths: 'prompts/*.txt' });
    // prompts/system.txt holds literal values only: suspicions, reported as warnings, so the job passes
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/file=prompts\/system\.txt/);
    expect(r.stdout).not.toContain('ignored.txt');
    expect(readOutputs(file('outputs.txt'))['hit-rate']).toBe('');
  });

  it('stops on a usage error (exit 2) before rendering anything', () => {
    const r = runStep({ paths: 'prompts', args: '--config missing.yaml' });
    expect(r.status).toBe(2);
    expect(existsSync(file('kvlint.sarif'))).toBe(false);
    expect(readOutputs(file('outputs.txt'))).toEqual({});
  });

  it('passes with a baseline of the current findings given through args', () => {
    const w = spawnSync('npx', ['--yes', `--package=${tarball}`, '--', 'kvlint', 'prompts', '--update-baseline'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, npm_config_cache: file('.npm') },
    });
    expect(w.status, w.stderr).toBe(0);
    const r = runStep({ paths: 'prompts', args: '--baseline kvlint-baseline.json' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(readOutputs(file('outputs.txt')).findings).toBe('0');
  });
});

describe('action.yml: what reaches kvlint', () => {
  let dir: string;
  let bin: string;
  const calls = () =>
    readFileSync(path.join(dir, 'calls.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string[]);

  /** Runs the step with a recording npx that exits with the code the test gives each kvlint command. */
  const runStep = (inputs: Record<string, string>, exitCodes: Record<string, number> = {}) => {
    rmSync(path.join(dir, 'calls.jsonl'), { force: true });
    const step = action.runs.steps.find((s) => s.id === 'kvlint')!;
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH}`, GITHUB_ACTION_PATH: repoRoot, KVLINT_TEST_EXITS: JSON.stringify(exitCodes) };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expand(v, inputs);
    return spawnSync('bash', ['-e', '-c', step.run!], { cwd: dir, env, encoding: 'utf8', timeout: 30_000 });
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kvlint-action-args-'));
    bin = path.join(dir, 'bin');
    mkdirSync(bin);
    // files a shell glob would match, so an expanded glob would show
    writeFileSync(path.join(dir, 'a.txt'), 'x');
    writeFileSync(path.join(dir, 'b.txt'), 'x');
    const npx = path.join(bin, 'npx');
    writeFileSync(
      npx,
      `#!${process.execPath}
const fs = require('node:fs');
const args = process.argv.slice(2);
fs.appendFileSync('calls.jsonl', JSON.stringify(args) + '\\n');
const sub = args[args.indexOf('--') + 2] ?? '';
const codes = JSON.parse(process.env.KVLINT_TEST_EXITS || '{}');
process.exit(codes[['merge', 'compare'].includes(sub) ? sub : 'lint'] ?? 0);
`,
    );
    chmodSync(npx, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the action version by default, a tarball as a package spec, and lists split on whitespace only', () => {
    const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
    const r = runStep({ paths: '*.txt  prompts/**/*.j2\n"quoted"', args: '--max-warnings 0' });
    expect(r.status, r.stderr).toBe(0);
    const [lint, sarif, github] = calls();
    expect(lint).toEqual([
      '--yes', `--package=kvlint@${version}`, '--', 'kvlint',
      '*.txt', 'prompts/**/*.j2', '"quoted"', '--max-warnings', '0',
      '--format', 'json', '--output-file', 'kvlint-report.json', '--no-progress',
    ]);
    expect(sarif!.slice(3)).toEqual(['kvlint', 'merge', 'kvlint-report.json', '--format', 'sarif', '--output-file', 'kvlint.sarif']);
    expect(github!.slice(3)).toEqual(['kvlint', 'merge', 'kvlint-report.json', '--format', 'github']);
    runStep({ version: '/tmp/x/kvlint-0.2.0.tgz' });
    expect(calls()[0]![1]).toBe('--package=/tmp/x/kvlint-0.2.0.tgz');
    runStep({ version: 'latest' });
    expect(calls()[0]![1]).toBe('--package=kvlint@latest');
  });

  it('passes each assert line as one --assert, intact', () => {
    runStep({ assert: "cache-hit-rate>=90%\n  reported:cache-creation-rate < 10%  \n\ncost-savings<=0.5\n$(touch pwned) 'x'" });
    expect(calls()[0]!.slice(5, 13)).toEqual(['--assert', 'cache-hit-rate>=90%', '--assert', 'reported:cache-creation-rate < 10%', '--assert', 'cost-savings<=0.5', '--assert', "$(touch pwned) 'x'"]);
    expect(existsSync(path.join(dir, 'pwned'))).toBe(false);
  });

  it('compares with the base report when compare-to is set; its exit 1 fails the step, 2 stops it', () => {
    const r = runStep({ 'compare-to': 'base/kvlint-report.json', 'compare-args': '--max-drop cache-hit-rate=5' }, { compare: 1 });
    expect(r.status).toBe(1);
    expect(calls()[3]!.slice(3)).toEqual(['kvlint', 'compare', 'base/kvlint-report.json', 'kvlint-report.json', '--format', 'github', '--max-drop', 'cache-hit-rate=5']);
    expect(runStep({ 'compare-to': 'base.json' }, { compare: 2 }).status).toBe(2);
    expect(runStep({ 'compare-to': 'base.json' }).status).toBe(0);
    // without compare-to there is no compare call
    runStep({});
    expect(calls()).toHaveLength(3);
  });

  it('keeps the run exit code: findings (1) still render every format, then fail; 2 stops at once', () => {
    expect(runStep({}, { lint: 1, merge: 1 }).status).toBe(1);
    expect(calls()).toHaveLength(3);
    expect(runStep({}, { lint: 2 }).status).toBe(2);
    expect(calls()).toHaveLength(1);
    expect(runStep({}, { merge: 2 }).status).toBe(2);
  });
});
