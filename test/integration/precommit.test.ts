// Runs the real `pre-commit` tool (Debian package) against a throw-away git repository whose
// .pre-commit-config.yaml uses a snapshot of this working tree as the hook source, exactly as a user's repo
// uses kvlint: pre-commit installs the hook with npm (which builds dist/ through `prepare`), a commit with
// a timestamp in a prompt is blocked, and a clean prompt commits.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

const hasPreCommit = which('pre-commit') && which('git');
if (!hasPreCommit) console.warn('[skip] pre-commit integration test: `pre-commit` or `git` not installed (apt-get install pre-commit git)');

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'kvlint test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'kvlint test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
};

describe.skipIf(!hasPreCommit)('pre-commit hook (real pre-commit, local hook repo)', () => {
  let work: string;
  let env: NodeJS.ProcessEnv;
  const sh = (args: string[], cwd: string): SpawnSyncReturns<string> =>
    spawnSync(args[0]!, args.slice(1), { cwd, env, encoding: 'utf8', timeout: 480_000, maxBuffer: 1 << 26 });

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'kvlint-precommit-'));
    env = { ...process.env, ...GIT_ENV, HOME: work, PRE_COMMIT_HOME: path.join(work, 'cache') };
    // The hook source: this working tree as it is now (tracked and new files, no build output), committed
    // in its own repository — pre-commit clones a repo at a rev, and /work is never committed to by tests.
    const hookRepo = path.join(work, 'kvlint-hook');
    const files = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: repoRoot, encoding: 'utf8' })
      .stdout.split('\0')
      .filter((f) => f && !f.startsWith('test/') && !f.startsWith('bench/') && existsSync(path.join(repoRoot, f)));
    for (const f of files) {
      mkdirSync(path.dirname(path.join(hookRepo, f)), { recursive: true });
      copyFileSync(path.join(repoRoot, f), path.join(hookRepo, f));
    }
    for (const cmd of [['git', 'init', '-q'], ['git', 'add', '-A'], ['git', 'commit', '-q', '-m', 'snapshot']]) {
      const r = sh(cmd, hookRepo);
      expect(r.status, r.stderr).toBe(0);
    }
    const rev = sh(['git', 'rev-parse', 'HEAD'], hookRepo).stdout.trim();

    const project = path.join(work, 'project');
    mkdirSync(path.join(project, 'prompts'), { recursive: true });
    writeFileSync(
      path.join(project, '.pre-commit-config.yaml'),
      `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n      - id: kvlint\n`,
    );
    // A README must not be linted as a prompt: the hook's files pattern leaves it out.
    writeFileSync(path.join(project, 'README.md'), '# project\n\nToday is 2025-08-07T09:14:03Z.\n');
    for (const cmd of [['git', 'init', '-q'], ['git', 'add', '-A'], ['git', 'commit', '-q', '--no-verify', '-m', 'init'], ['pre-commit', 'install']]) {
      const r = sh(cmd, project);
      expect(r.status, `${cmd.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
    }
    // pre-commit builds the hook environment (npm install → prepare → tsc) on first use
    const warm = sh(['pre-commit', 'install-hooks'], project);
    expect(warm.status, `${warm.stdout}${warm.stderr}`).toBe(0);
  }, 600_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('blocks a commit that puts a clock placeholder in a prompt', () => {
    const project = path.join(work, 'project');
    copyFileSync(path.join(repoRoot, 'fixtures/precommit/bad-system.txt'), path.join(project, 'prompts/system.txt'));
    sh(['git', 'add', 'prompts/system.txt'], project);
    const r = sh(['git', 'commit', '-m', 'bad prompt'], project);
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status, out).not.toBe(0);
    expect(out).toMatch(/kvlint \(prompt-cache breakers\)\.+Failed/);
    expect(out).toContain('KV102');
    expect(out).toContain('prompts/system.txt');
    expect(sh(['git', 'log', '--oneline'], project).stdout.trim().split('\n')).toHaveLength(1);
  });

  it('lets a clean prompt commit', () => {
    const project = path.join(work, 'project');
    copyFileSync(path.join(repoRoot, 'fixtures/precommit/good-system.txt'), path.join(project, 'prompts/system.txt'));
    sh(['git', 'add', 'prompts/system.txt'], project);
    const r = sh(['git', 'commit', '-m', 'good prompt'], project);
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status, out).toBe(0);
    expect(out).toMatch(/kvlint \(prompt-cache breakers\)\.+Passed/);
    expect(readFileSync(path.join(project, 'prompts/system.txt'), 'utf8')).not.toContain('2025');
  });

  it('blocks a commit whose Python code puts the date in the system prompt, and lets its clean twin commit', () => {
    const project = path.join(work, 'project');
    copyFileSync(path.join(repoRoot, 'fixtures/source/anthropic-bad.py'), path.join(project, 'agent.py'));
    sh(['git', 'add', 'agent.py'], project);
    const bad = sh(['git', 'commit', '-m', 'bad agent'], project);
    expect(bad.status, `${bad.stdout}${bad.stderr}`).not.toBe(0);
    expect(`${bad.stdout}${bad.stderr}`).toContain('KV102');
    copyFileSync(path.join(repoRoot, 'fixtures/source/anthropic-good.py'), path.join(project, 'agent.py'));
    sh(['git', 'add', 'agent.py'], project);
    const good = sh(['git', 'commit', '-m', 'good agent'], project);
    expect(good.status, `${good.stdout}${good.stderr}`).toBe(0);
  });

  it('skips files outside its pattern (a README with a date)', () => {
    const project = path.join(work, 'project');
    const r = sh(['pre-commit', 'run', 'kvlint', '--files', 'README.md'], project);
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/\(no files to check\)Skipped/);
  });
});
