import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { InputProblem } from '../../src/errors.js';
import { firstInvalidUtf8, isInputProblem, readTextInput, sourceFromBuffer } from '../../src/ingest/read.js';
import type { SourceFile } from '../../src/model.js';

const inputs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/inputs');
const tmp = mkdtempSync(path.join(tmpdir(), 'kvlint-read-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function read(name: string, maxBytes?: number): Promise<SourceFile | InputProblem> {
  return readTextInput(path.join(inputs, name), `fixtures/inputs/${name}`, maxBytes === undefined ? {} : { maxBytes });
}

function asProblem(r: SourceFile | InputProblem): InputProblem {
  if (!isInputProblem(r)) throw new Error('expected a problem');
  return r;
}

function asFile(r: SourceFile | InputProblem): SourceFile {
  if (isInputProblem(r)) throw new Error(`expected a file, got ${r.code} ${r.message}`);
  return r;
}

describe('readTextInput', () => {
  it('decodes UTF-16 LE and BE with a BOM', async () => {
    const le = asFile(await read('utf16le-bom.txt'));
    expect(le.text).toBe('Hello from UTF-16\nline two {name}\n');
    expect(le.lineStarts).toEqual([0, 18, 34]);
    expect(le.bom).toBe(false);
    expect(asFile(await read('utf16be-bom.txt')).text).toBe('Big endian\n');
  });

  it('keeps track of a UTF-8 BOM', async () => {
    const f = asFile(await read('utf8-bom.md'));
    expect(f.bom).toBe(true);
    expect(f.text).toBe('# Title\n');
    expect(f.absPath).toBe(path.join(inputs, 'utf8-bom.md'));
    expect(f.path).toBe('fixtures/inputs/utf8-bom.md');
  });

  it('refuses binary files (a NUL byte) with KVE302', async () => {
    const p = asProblem(await read('binary.txt'));
    expect(p.code).toBe('KVE302');
    expect(p.file).toBe('fixtures/inputs/binary.txt');
  });

  it('names the line and column of the first invalid UTF-8 byte (KVE303)', async () => {
    const p = asProblem(await read('invalid-utf8.txt'));
    expect(p.code).toBe('KVE303');
    expect(p.line).toBe(2);
    expect(p.message).toContain('line 2, column 8');
    expect(p.message).toContain('0xc3');
  });

  it('refuses empty and whitespace-only files with KVE307', async () => {
    const empty = path.join(tmp, 'empty.txt');
    writeFileSync(empty, '');
    expect(asProblem(await readTextInput(empty, 'empty.txt')).code).toBe('KVE307');
    expect(asProblem(await read('whitespace-only.txt')).code).toBe('KVE307');
  });

  it('refuses files over the limit with KVE304, naming size, limit and flag', async () => {
    const p = asProblem(await read('utf16le-bom.txt', 16));
    expect(p.code).toBe('KVE304');
    expect(p.message).toContain('70 bytes');
    expect(p.message).toContain('16 bytes limit');
    expect(p.message).toContain('--max-file-size');
  });

  it('reports a missing file and a directory with KVE301 in plain words', async () => {
    const missing = asProblem(await readTextInput(path.join(tmp, 'nope.txt'), 'nope.txt'));
    expect(missing.code).toBe('KVE301');
    expect(missing.message).toContain('no such file');
    const dir = asProblem(await readTextInput(tmp, 'tmpdir'));
    expect(dir.code).toBe('KVE301');
    expect(dir.message).toContain('it is a directory');
  });

  it.skipIf(process.getuid?.() === 0)('reports an unreadable file with KVE301 (permission denied)', async () => {
    const f = path.join(tmp, 'locked.txt');
    writeFileSync(f, 'secret');
    chmodSync(f, 0o000);
    const p = asProblem(await readTextInput(f, 'locked.txt'));
    expect(p.code).toBe('KVE301');
    expect(p.message).toContain('permission denied');
    chmodSync(f, 0o600);
  });
});

describe('sourceFromBuffer', () => {
  it('applies the same checks to stdin bytes', () => {
    expect(asFile(sourceFromBuffer(Buffer.from('hi {x}\n'), '<stdin>')).text).toBe('hi {x}\n');
    expect(asProblem(sourceFromBuffer(Buffer.alloc(0), '<stdin>')).code).toBe('KVE307');
    expect(asProblem(sourceFromBuffer(Buffer.from('abcdef'), '<stdin>', { maxBytes: 3 })).code).toBe('KVE304');
    expect(asProblem(sourceFromBuffer(Buffer.from([0x61, 0xff, 0x62]), '<stdin>')).message).toContain('line 1, column 2');
  });
});

describe('firstInvalidUtf8', () => {
  it('finds truncated sequences, overlongs and surrogates', () => {
    expect(firstInvalidUtf8(Buffer.from('héllo', 'utf8'))).toBe(6);
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xe2, 0x82]))).toBe(1);
    expect(firstInvalidUtf8(Uint8Array.from([0xc0, 0xaf]))).toBe(0);
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1);
    expect(firstInvalidUtf8(Uint8Array.from([0xf0, 0x9f, 0x98, 0x80]))).toBe(4);
  });
});
