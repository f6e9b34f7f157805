// Directory walks and globs honour .gitignore as git reads it: every .gitignore from the repository root
// down, deeper files overriding shallower ones, negations, anchored and directory-only patterns, and
// .git/info/exclude. Named files are checked whatever the ignore files say; --no-ignore takes everything.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover } from '../../src/ingest/discover.js';

let base: string;
let repo: string;

function write(rel: string, text = 'x'): void {
  const abs = path.join(base, rel);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, text);
}

beforeAll(() => {
  base = mkdtempSync(path.join(tmpdir(), 'kvlint-gitignore-'));
  repo = path.join(base, 'repo');
  write('repo/.git/HEAD', 'ref: refs/heads/main\n');
  write('repo/.git/info/exclude', '# local only\nscratch.txt\n');
  write('repo/.gitignore', 'build/\n*.generated.md\n!keep.generated.md\n/top-only.txt\n# a comment\n\n');
  write('repo/top-only.txt');
  write('repo/scratch.txt');
  write('repo/build/b.txt');
  write('repo/prompts/a.txt');
  write('repo/prompts/top-only.txt');
  write('repo/prompts/x.generated.md');
  write('repo/prompts/keep.generated.md');
  write('repo/prompts/local.txt');
  write('repo/prompts/.gitignore', 'local.txt\n!nested/*.generated.md\n');
  write('repo/prompts/nested/y.generated.md');
  write('repo/prompts/nested/local.txt');
  write('repo/other/local.txt');
  write('repo/other/only/ignored.generated.md');
  // not a repository: its .gitignore is read from the folder a walk starts in
  write('plain/.gitignore', 'drafts/\n');
  write('plain/drafts/d.txt');
  write('plain/p.txt');
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const rels = async (patterns: string[], opts: { cwd?: string; ignore?: boolean } = {}) => {
  const r = await discover(patterns, { cwd: opts.cwd ?? repo, ...(opts.ignore === false ? { ignore: false } : {}) });
  return { files: r.files.map((f) => f.rel), problems: r.problems };
};

describe('.gitignore', () => {
  it('is honoured in a walk from the repository root: nested files, negations, anchors, info/exclude', async () => {
    const { files, problems } = await rels(['.']);
    expect(problems).toEqual([]);
    expect(files).toEqual([
      'other/local.txt',
      'prompts/a.txt',
      'prompts/keep.generated.md',
      'prompts/nested/y.generated.md',
      'prompts/top-only.txt',
    ]);
  });

  it('applies the .gitignore files above the folder a walk starts in, up to the repository root', async () => {
    expect((await rels(['prompts'])).files).toEqual(['prompts/a.txt', 'prompts/keep.generated.md', 'prompts/nested/y.generated.md', 'prompts/top-only.txt']);
    expect((await rels(['.'], { cwd: path.join(repo, 'prompts/nested') })).files).toEqual(['y.generated.md']);
  });

  it('filters glob matches, ignored folders included', async () => {
    expect((await rels(['**/*.txt'])).files).toEqual(['other/local.txt', 'prompts/a.txt', 'prompts/top-only.txt']);
    const r = await rels(['build/*.txt']);
    expect(r.files).toEqual([]);
    expect(r.problems.map((p) => p.code)).toEqual(['KVE102']);
  });

  it('checks a file named on the command line even when it is ignored', async () => {
    const r = await rels(['build/b.txt', 'prompts/x.generated.md', 'scratch.txt']);
    expect(r.files).toEqual(['build/b.txt', 'prompts/x.generated.md', 'scratch.txt']);
    expect(r.problems).toEqual([]);
  });

  it('says --no-ignore when everything a folder holds is ignored', async () => {
    const r = await rels(['other/only']);
    expect(r.files).toEqual([]);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'KVE102', message: expect.stringContaining('--no-ignore') })]);
    expect((await rels(['other/only'], { ignore: false })).files).toEqual(['other/only/ignored.generated.md']);
  });

  it('takes every file with ignore: false (--no-ignore), still skipping .git', async () => {
    const { files } = await rels(['.'], { ignore: false });
    expect(files).toEqual([
      'build/b.txt',
      'other/local.txt',
      'other/only/ignored.generated.md',
      'prompts/a.txt',
      'prompts/keep.generated.md',
      'prompts/local.txt',
      'prompts/nested/local.txt',
      'prompts/nested/y.generated.md',
      'prompts/top-only.txt',
      'prompts/x.generated.md',
      'scratch.txt',
      'top-only.txt',
    ]);
    expect((await rels(['build/*.txt'], { ignore: false })).files).toEqual(['build/b.txt']);
  });

  it('is read outside a repository too, from the folder the walk starts in', async () => {
    const plain = path.join(base, 'plain');
    expect((await rels(['.'], { cwd: plain })).files).toEqual(['p.txt']);
    expect((await rels(['plain'], { cwd: base })).files).toEqual(['plain/p.txt']);
  });
});
