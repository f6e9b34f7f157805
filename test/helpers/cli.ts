// Runs the real binary (bin/kvlint.js → dist/bundle/) the way a user does, capturing output and exit code.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const corpus = path.resolve(repoRoot, '../shared/corpus');
export const hasCorpus = existsSync(corpus);
const bin = path.join(repoRoot, 'bin', 'kvlint.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `kvlint …args` in `cwd` (default: repo root) with a clean colour environment. */
export function kvlint(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; input?: string | Buffer } = {}): CliResult {
  if (!existsSync(path.join(repoRoot, 'dist', 'bundle', 'cli.js'))) {
    throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  }
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, GITHUB_STEP_SUMMARY: undefined };
  Object.assign(env, opts.env ?? {});
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: opts.cwd ?? repoRoot,
    env: env as NodeJS.ProcessEnv,
    encoding: 'utf8',
    input: opts.input,
    maxBuffer: 1 << 26,
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
