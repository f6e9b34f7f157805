import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONFIG_FILENAMES, findConfig } from '../../src/config/find.js';

// Each case builds its own tree under a temp dir: a `.git` folder inside the repo's fixtures would
// confuse git itself.
let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'kvlint-find-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(rel: string, text = ''): Promise<string> {
  const p = join(root, rel);
  await mkdir(join(p, '..'), { recursive: true });
  await writeFile(p, text);
  return p;
}

describe('findConfig', () => {
  it('finds a config in the start directory', async () => {
    const p = await put('proj/kvlint.config.yaml');
    expect(await findConfig(join(root, 'proj'))).toBe(p);
  });

  it('walks up to a parent directory', async () => {
    const p = await put('proj/.kvlintrc.yml');
    await mkdir(join(root, 'proj/a/b/c'), { recursive: true });
    expect(await findConfig(join(root, 'proj/a/b/c'))).toBe(p);
  });

  it('takes the nearest directory first, and the first name within it', async () => {
    await put('proj/kvlint.config.yaml');
    const inner = await put('proj/sub/.kvlintrc.json', '{}');
    await put('proj/sub/package.json', '{"kvlint": {}}');
    expect(await findConfig(join(root, 'proj/sub'))).toBe(inner);
    for (const name of [...CONFIG_FILENAMES].reverse()) await put(`proj/all/${name}`);
    expect(await findConfig(join(root, 'proj/all'))).toBe(join(root, 'proj/all/kvlint.config.yaml'));
  });

  it('uses package.json only when it has a kvlint key', async () => {
    await put('proj/sub/package.json', '{"name": "no-config", "description": "not \\"kvlint\\" here"}');
    const outer = await put('proj/package.json', '{"name": "x", "kvlint": {"extends": "all"}}');
    expect(await findConfig(join(root, 'proj/sub'))).toBe(outer);
  });

  it('prefers a config file over package.json in the same directory', async () => {
    await put('proj/package.json', '{"kvlint": {}}');
    const p = await put('proj/.kvlintrc.yaml');
    expect(await findConfig(join(root, 'proj'))).toBe(p);
  });

  it('stops after the directory holding .git', async () => {
    await put('kvlint.config.yaml');
    await mkdir(join(root, 'repo/.git'), { recursive: true });
    await mkdir(join(root, 'repo/src'), { recursive: true });
    expect(await findConfig(join(root, 'repo/src'))).toBeUndefined();
    // The repository root itself is still searched.
    const p = await put('repo/kvlint.config.yml');
    expect(await findConfig(join(root, 'repo/src'))).toBe(p);
  });

  it('treats a .git file (worktree, submodule) as a repository root too', async () => {
    await put('kvlint.config.yaml');
    await put('wt/.git', 'gitdir: /elsewhere\n');
    expect(await findConfig(join(root, 'wt'))).toBeUndefined();
  });

  it('stops at stopAt, which is itself searched', async () => {
    await put('kvlint.config.yaml');
    await mkdir(join(root, 'home/me/proj'), { recursive: true });
    expect(await findConfig(join(root, 'home/me/proj'), { stopAt: join(root, 'home/me') })).toBeUndefined();
    const p = await put('home/me/.kvlintrc.yaml');
    expect(await findConfig(join(root, 'home/me/proj'), { stopAt: join(root, 'home/me') })).toBe(p);
  });

  it('ignores a directory named like a config file', async () => {
    await mkdir(join(root, 'proj/kvlint.config.yaml'), { recursive: true });
    await mkdir(join(root, 'proj/.git'), { recursive: true });
    expect(await findConfig(join(root, 'proj'))).toBeUndefined();
  });

  it('reports a broken package.json that mentions kvlint, with its line', async () => {
    await put('proj/package.json', '{\n  "name": "x",\n  "kvlint": {,}\n}\n');
    await expect(findConfig(join(root, 'proj'))).rejects.toMatchObject({ code: 'KVE201', line: 3 });
  });

  it('resolves to undefined when the repository holds no config', async () => {
    await mkdir(join(root, 'empty/.git'), { recursive: true });
    expect(await findConfig(join(root, 'empty'))).toBeUndefined();
  });
});
