// .gitignore and --no-ignore through the real binary.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kvlint, repoRoot } from '../helpers/cli.js';

describe('ignore files on the command line', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kvlint-ignore-cli-'));
    mkdirSync(path.join(dir, '.git'));
    mkdirSync(path.join(dir, 'generated'));
    mkdirSync(path.join(dir, 'legacy'));
    copyFileSync(path.join(repoRoot, 'fixtures/precommit/good-system.txt'), path.join(dir, 'system.txt'));
    copyFileSync(path.join(repoRoot, 'fixtures/precommit/bad-system.txt'), path.join(dir, 'generated/system.txt'));
    copyFileSync(path.join(repoRoot, 'fixtures/precommit/bad-system.txt'), path.join(dir, 'legacy/system.txt'));
    writeFileSync(path.join(dir, '.gitignore'), 'generated/\n');
    writeFileSync(path.join(dir, 'kvlint.config.yaml'), 'ignores: ["legacy/**"]\nrules:\n  KV301: off\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('skips what .gitignore lists in a walk, and --no-ignore checks it (and the config ignores) too', () => {
    const walked = kvlint(['.', '-f', 'unix'], { cwd: dir });
    expect(walked.code, walked.stdout + walked.stderr).toBe(0);
    expect(walked.stdout).toBe('');
    const all = kvlint(['.', '-f', 'unix', '--no-ignore'], { cwd: dir });
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(/^generated\/system\.txt:2:10: error KV102 /m);
    expect(all.stdout).toMatch(/^legacy\/system\.txt:2:10: error KV102 /m);
  });

  it('checks an ignored file named on the command line', () => {
    const r = kvlint(['generated/system.txt', '-f', 'unix'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^generated\/system\.txt:2:10: error KV102 /);
  });
});
