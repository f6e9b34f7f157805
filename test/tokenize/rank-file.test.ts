// The build's binary rank files (src/tokenize/rank-file.ts) must give back exactly the lookup tables the
// library's own modules give, and must never be used for another version of the library's data.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { byteKeyEntries, decodeRankFile, encodeRankFile, libraryTables, sourceHash, sourcePaths, stringEntries } from '../../src/tokenize/rank-file.js';
import { checkTokenTable } from '../../src/tokenize/token-table.js';

const names = ['o200k_base', 'cl100k_base'] as const;

describe.each(names)('rank file (%s)', async (name) => {
  const { ranks, split } = await libraryTables(name);
  const sources = sourcePaths(name).map((p) => readFileSync(p));
  const hash = sourceHash(sources);
  const file = encodeRankFile(ranks, split, sources);

  it('decodes to tables that give every token its library rank, the later of two duplicates', () => {
    const back = decodeRankFile(file, hash)!;
    expect(back).toBeDefined();
    const expected = new Map(stringEntries(ranks)); // a Map built in rank order: later duplicates win
    expect(expected.size).toBeGreaterThan(90_000);
    for (const [t, rank] of expected) expect(back.strings.rank(t, 0, t.length, -1)).toBe(rank);
    const bytes = new Map(byteKeyEntries(ranks));
    for (const [k, rank] of bytes) expect(back.bytes().rank(k, 0, k.length, -1)).toBe(rank);
    // nothing else is in them
    expect([...back.strings.entries()].length).toBe(expected.size);
    expect([...back.bytes().entries()].length).toBe(bytes.size);
    expect(checkTokenTable(back.strings.arrays) && checkTokenTable(back.bytes().arrays)).toBe(true);
    expect(back.split.source).toBe(split.source);
    expect(back.split.flags).toBe(split.flags);
  });

  it('is refused when made from other library data, or damaged', () => {
    expect(decodeRankFile(file, sourceHash([Buffer.from('another version')]))).toBeUndefined();
    expect(decodeRankFile(file.subarray(0, file.length - 1), hash)).toBeUndefined();
    const bad = Buffer.from(file);
    bad.writeUInt32LE(bad.readUInt32LE(40) + 4, 40); // a regex length that moves the tables
    expect(decodeRankFile(bad, hash)).toBeUndefined();
    const old = Buffer.from(file);
    old.write('kvbpe\u00001\n', 0, 'latin1'); // the previous layout
    expect(decodeRankFile(old, hash)).toBeUndefined();
  });

  it('hashes every source module: a change to the split regex module alone is a different file', () => {
    const changed = sources.map((s, k) => (k === sources.length - 1 ? Buffer.concat([s, Buffer.from('\n')]) : s));
    expect(sourceHash(changed).equals(hash)).toBe(false);
  });
});

// The file `npm run build` wrote is current for the installed library (a stale one would silently fall
// back to the slower path).
const built = resolve(__dirname, '../../dist/tokenize/rank-file.js');
describe.skipIf(!existsSync(built))('the built rank files', () => {
  it.each(names)('are current for the installed library (%s)', async (name) => {
    const { readRankFile } = (await import(built)) as typeof import('../../src/tokenize/rank-file.js');
    expect(readRankFile(name)).toBeDefined();
  });
});
