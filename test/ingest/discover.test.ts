import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover } from '../../src/ingest/discover.js';

let root: string;

function write(rel: string, text = 'x'): void {
  const abs = path.join(root, rel);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, text);
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'kvlint-discover-'));
  write('prompts/system.txt');
  write('prompts/agent.md');
  write('prompts/b/tools.json');
  write('prompts/b/image.png');
  write('prompts/drafts/old.txt');
  write('prompts/notes.log');
  write('prompts/node_modules/pkg/readme.md');
  write('prompts/.git/config.yaml');
  write('logs/run.jsonl');
  write('README');
  write('.kvlintignore', '# drafts are not shipped\ndrafts/\n*.log\n');
  symlinkSync(path.join(root, 'prompts'), path.join(root, 'prompts/b/loop'));
  symlinkSync(path.join(root, 'prompts/system.txt'), path.join(root, 'prompts/link.txt'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('discover', () => {
  it('walks directories for known extensions, skipping node_modules, .git and ignored paths', async () => {
    const { files, problems } = await discover(['prompts'], { cwd: root });
    expect(files.map((f) => [f.rel, f.explicit])).toEqual([
      ['prompts/agent.md', false],
      ['prompts/b/tools.json', false],
      ['prompts/system.txt', false],
    ]);
    // the link back to prompts/ is a loop worth saying; the file link is simply not followed
    expect(problems).toEqual([expect.objectContaining({ code: 'KVE301', file: 'prompts/b/loop' })]);
    expect(problems[0]?.message).toMatch(/loop/);
  });

  it('takes a named file as given, whatever its extension or the ignore file', async () => {
    const { files, problems } = await discover(['README', 'prompts/notes.log'], { cwd: root });
    expect(files.map((f) => [f.rel, f.explicit])).toEqual([
      ['README', true],
      ['prompts/notes.log', true],
    ]);
    expect(problems).toEqual([]);
  });

  it('expands globs, applying the ignore file, and dedupes against walks', async () => {
    const { files } = await discover(['**/*.txt', 'prompts'], { cwd: root });
    expect(files.map((f) => [f.rel, f.explicit])).toEqual([
      ['prompts/agent.md', false],
      ['prompts/b/tools.json', false],
      ['prompts/system.txt', true],
    ]);
  });

  it('reports missing paths and empty globs with KVE102, without throwing', async () => {
    const { files, problems } = await discover(['nope.txt', 'nothing/**/*.md', 'logs'], { cwd: root });
    expect(files.map((f) => f.rel)).toEqual(['logs/run.jsonl']);
    expect(problems.map((p) => [p.code, p.file])).toEqual([
      ['KVE102', 'nope.txt'],
      ['KVE102', 'nothing/**/*.md'],
    ]);
  });

  it('uses another ignore file when told, and reports one that is missing', async () => {
    write('custom.ignore', 'agent.md\n');
    const { files } = await discover(['prompts'], { cwd: root, ignoreFile: 'custom.ignore' });
    expect(files.map((f) => f.rel)).toContain('prompts/drafts/old.txt');
    expect(files.map((f) => f.rel)).not.toContain('prompts/agent.md');
    const missing = await discover(['prompts'], { cwd: root, ignoreFile: 'none.ignore' });
    expect(missing.problems.map((p) => p.code)).toContain('KVE301');
  });
});
