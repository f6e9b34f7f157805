// --fix and --fix-dry-run: pure pieces (edits, the JSON sorts) and the real binary on copies of fixtures and
// of the corpus's CRLF prompt — afterwards kvlint finds those rules clean, and only the intended bytes moved.
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyEdits } from '../../src/fix/apply.js';
import { parseJsonTree } from '../../src/fix/json-tree.js';
import { sortToolFile } from '../../src/fix/sort-tools.js';
import { ChangedOnDiskError, readSnapshot, writeFixed } from '../../src/fix/write.js';
import type { Report } from '../../src/report.js';
import { corpus, hasCorpus, kvlint, repoRoot } from '../helpers/cli.js';

const FIX_RULES = ['KV201', 'KV202', 'KV401', 'KV402', 'KV403', 'KV404', 'KV405'];

function codes(dir: string, files: string[]): string[] {
  const r = kvlint([...files, '-f', 'json'], { cwd: dir });
  return (JSON.parse(r.stdout) as Report).files.flatMap((f) => f.diagnostics.map((d) => d.code));
}

describe('applyEdits', () => {
  it('applies non-overlapping edits in order and leaves overlapping ones for the next pass', () => {
    const r = applyEdits('abcdef', [
      { start: 4, end: 5, text: 'E' },
      { start: 0, end: 2, text: 'AB' },
      { start: 1, end: 3, text: 'x' },
    ]);
    expect(r).toEqual({ text: 'ABcdEf', applied: 2 });
  });
});

describe('sortToolFile', () => {
  const src = readFileSync(path.join(repoRoot, 'fixtures/fix/unsorted-tools.json'), 'utf8');

  it('sorts tools by name by moving their source text, keeping formatting and number spelling', () => {
    const out = sortToolFile(src, { tools: true, keys: false });
    expect(out).toBeDefined();
    const names = (JSON.parse(out!) as Array<{ name: string }>).map((t) => t.name);
    expect(names).toEqual(['create_return', 'get_order', 'search_orders']);
    expect(out).toContain('"maximum": 1e2'); // re-serializing would have printed 100
    expect(out!.length).toBe(src.length);
    expect([...out!].sort().join('')).toBe([...src].sort().join('')); // same bytes, moved
  });

  it('puts drifting keys in the order the file first uses, leaving agreeing objects alone', () => {
    const out = sortToolFile(src, { tools: false, keys: true })!;
    const tools = JSON.parse(out) as Array<{ input_schema: object }>;
    expect(tools.map((t) => Object.keys(t.input_schema))).toEqual([
      ['type', 'properties', 'required'],
      ['type', 'properties', 'required'],
      ['type', 'properties', 'required'],
    ]);
    // only the get_order schema moved
    const changed = src.split('\n').filter((l, k) => out.split('\n')[k] !== l);
    expect(changed.length).toBeLessThanOrEqual(4);
  });

  it('returns undefined for text that is not JSON, and keeps what follows the value', () => {
    expect(sortToolFile('[{"name": "b"}, {"name": "a"}', { tools: true, keys: true })).toBeUndefined();
    expect(sortToolFile('[{"name": "b"}, {"name": "a"}]\n', { tools: true, keys: false })).toBe('[{"name": "a"}, {"name": "b"}]\n');
    expect(parseJsonTree('{"a": [1, 2.50, "x\\"y"], "b": null}')?.kind).toBe('object');
  });
});

describe('writeFixed', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kvlint-write-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces the file atomically and keeps its mode', async () => {
    const f = path.join(dir, 'p.txt');
    writeFileSync(f, 'a\r\n');
    chmodSync(f, 0o640);
    const snap = await readSnapshot(f);
    await writeFixed(f, Buffer.from('a\n'), snap);
    expect(readFileSync(f, 'utf8')).toBe('a\n');
    expect(statSync(f).mode & 0o777).toBe(0o640);
  });

  it('refuses to overwrite a file that changed after it was read, and leaves no temp file', async () => {
    const f = path.join(dir, 'p.txt');
    writeFileSync(f, 'a\r\n');
    const snap = await readSnapshot(f);
    const p = writeFixed(f, Buffer.from('a\n'), snap, async () => writeFileSync(f, 'edited by someone else\r\n'));
    await expect(p).rejects.toBeInstanceOf(ChangedOnDiskError);
    expect(readFileSync(f, 'utf8')).toBe('edited by someone else\r\n');
    expect(readFileSync(f).length).toBeGreaterThan(0);
    expect(readdirSync(dir)).toEqual(['p.txt']);
  });
});

describe('kvlint --fix (real binary)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kvlint-fix-'));
    for (const f of ['messy.txt', 'unsorted-tools.json']) copyFileSync(path.join(repoRoot, 'fixtures/fix', f), path.join(dir, f));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('--fix-dry-run prints a unified diff, exits 1 and changes nothing', () => {
    const before = readFileSync(path.join(dir, 'messy.txt'));
    const r = kvlint(['--fix-dry-run', 'messy.txt', 'unsorted-tools.json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('--- a/messy.txt\n+++ b/messy.txt\n@@ ');
    expect(r.stdout).toContain('--- a/unsorted-tools.json');
    expect(r.stdout).toMatch(/^-.*␍$/m); // the CR being removed is visible
    expect(r.stderr).toContain('2 files would change');
    expect(readFileSync(path.join(dir, 'messy.txt'))).toEqual(before);
  });

  it('--fix repairs every fixable rule, keeps the mode, and changes only the intended bytes', () => {
    chmodSync(path.join(dir, 'messy.txt'), 0o600);
    const r = kvlint(['--fix', 'messy.txt', 'unsorted-tools.json'], { cwd: dir });
    expect(r.stderr).toMatch(/fixed 2 files \(KV201×1, KV202×1, KV401×\d+, KV402×\d+, KV403×1, KV404×1, KV405×1\)/);
    expect(r.code).toBe(0); // only KV301 (not fixable, a warning) is left
    expect(codes(dir, ['messy.txt', 'unsorted-tools.json'])).toEqual(['KV301']);
    const text = readFileSync(path.join(dir, 'messy.txt'), 'utf8');
    const original = readFileSync(path.join(repoRoot, 'fixtures/fix/messy.txt'), 'utf8');
    const expected = original
      .replace(/^\uFEFF/, '')
      .replace(/\r\n/g, '\n')
      .replace(/[ \t]+\n/g, '\n')
      .replace(/\u200B/g, '')
      .normalize('NFC');
    expect(text).toBe(expected);
    expect(statSync(path.join(dir, 'messy.txt')).mode & 0o777).toBe(0o600);
    const tools = JSON.parse(readFileSync(path.join(dir, 'unsorted-tools.json'), 'utf8')) as unknown[];
    const originalTools = JSON.parse(readFileSync(path.join(repoRoot, 'fixtures/fix/unsorted-tools.json'), 'utf8')) as Array<{ name: string }>;
    // same tools, same content, new order
    expect(tools).toEqual([...originalTools].sort((a, b) => (a.name < b.name ? -1 : 1)));
  });

  it('never touches a request log', () => {
    const log = path.join(dir, 'log.jsonl');
    copyFileSync(path.join(repoRoot, 'fixtures/logs/anthropic-bodies.jsonl'), log);
    const before = readFileSync(log);
    kvlint(['--fix', 'log.jsonl'], { cwd: dir });
    expect(readFileSync(log)).toEqual(before);
  });

  it('refuses --fix with standard input (exit 2)', () => {
    const r = kvlint(['--fix', '-', '--stdin-filename', 'p.txt'], { cwd: dir, input: 'a\r\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot fix standard input');
  });

  it.skipIf(!hasCorpus)('fixes a copy of the corpus CRLF prompt: only CR bytes go, and the hygiene rules are then clean', () => {
    const f = path.join(dir, 'perplexity_crlf.txt');
    copyFileSync(path.join(corpus, 'prompts/perplexity_crlf.txt'), f);
    const before = readFileSync(f);
    expect(codes(dir, ['perplexity_crlf.txt'])).toContain('KV401');
    kvlint(['--fix', 'perplexity_crlf.txt'], { cwd: dir });
    const after = readFileSync(f);
    expect(codes(dir, ['perplexity_crlf.txt']).filter((c) => FIX_RULES.includes(c))).toEqual([]);
    const crlf = before.toString('latin1').split('\r\n').length - 1;
    expect(before.length - after.length).toBe(crlf);
    expect(after).toEqual(Buffer.from(before.toString('utf8').replace(/\r\n/g, '\n'), 'utf8'));
  });
});
