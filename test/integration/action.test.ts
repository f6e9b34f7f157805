// The composite GitHub Action: its shell steps run as a runner would run them (bash, the step's env with
// inputs substituted, GITHUB_ACTION_PATH and GITHUB_STEP_SUMMARY set) on a copy of the demo. The install
// step (npm ci in the action's folder) and the SARIF upload (a GitHub service) are not run here.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/cli.js';

interface Step {
  id?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
}
interface Action {
  inputs: Record<string, { default?: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as Action;

/** Substitutes `${{ inputs.x }}` the way the runner does, from the given inputs or their defaults. */
function expand(s: string, inputs: Record<string, string>): string {
  return s.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_m, k: string) => inputs[k] ?? action.inputs[k]?.default ?? '');
}

describe('action.yml (composite)', () => {
  let dir: string;
  const summary = () => path.join(dir, 'step-summary.md');
  const runStep = (id: string, inputs: Record<string, string>) => {
    const step = action.runs.steps.find((s) => s.id === id);
    if (!step?.run) throw new Error(`no run step ${id}`);
    const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_ACTION_PATH: repoRoot, GITHUB_STEP_SUMMARY: summary(), GITHUB_ACTIONS: 'true', CI: 'true' };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expand(v, inputs);
    return spawnSync('bash', ['-e', '-c', step.run], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kvlint-action-'));
    cpSync(path.join(repoRoot, 'fixtures/demo'), path.join(dir, 'prompts'), { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is a composite action whose install step builds with npm ci', () => {
    expect(action.runs.using).toBe('composite');
    expect(action.runs.steps.find((s) => s.id === 'install')?.run).toContain('npm ci');
    expect(action.runs.steps.some((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))).toBe(true);
  });

  it('writes SARIF and does not fail the job on findings', () => {
    const r = runStep('sarif', { paths: 'prompts' });
    expect(r.status, r.stderr).toBe(0);
    const sarif = JSON.parse(readFileSync(path.join(dir, 'kvlint.sarif'), 'utf8')) as { runs: Array<{ results: unknown[] }> };
    expect(sarif.runs[0]!.results.length).toBeGreaterThan(0);
  });

  it('fails the SARIF step on a usage error (exit 2)', () => {
    const r = runStep('sarif', { paths: 'prompts', args: '--config missing.yaml' });
    expect(r.status).toBe(2);
  });

  it('annotates, appends the job summary, and fails the job on error findings', () => {
    const r = runStep('annotations', { paths: 'prompts' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^::error file=prompts\/support-agent\.j2,line=\d+,col=\d+/m);
    expect(r.stdout).toMatch(/^::notice::kvlint: /m);
    expect(readFileSync(summary(), 'utf8')).toMatch(/^## ❌ kvlint\n/m);
  });

  it('passes with a baseline of the current findings given through args', () => {
    const w = spawnSync(process.execPath, [path.join(repoRoot, 'bin/kvlint.js'), 'prompts', '--update-baseline'], { cwd: dir, encoding: 'utf8' });
    expect(w.status, w.stderr).toBe(0);
    const r = runStep('annotations', { paths: 'prompts', args: '--baseline kvlint-baseline.json' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});
