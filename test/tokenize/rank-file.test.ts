// The build's binary rank files (src/tokenize/rank-file.ts) must give back gpt-tokenizer's rank tables
// exactly, and must never be used for another version of the library's tables.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import cl100kRanks from 'gpt-tokenizer/bpeRanks/cl100k_base';
import o200kRanks from 'gpt-tokenizer/bpeRanks/o200k_base';
import { decodeRanks, encodeRanks, rankModulePath, type Ranks } from '../../src/tokenize/rank-file.js';

const encodings = [
  { name: 'o200k_base', ranks: o200kRanks as Ranks },
  { name: 'cl100k_base', ranks: cl100kRanks as Ranks },
] as const;

describe.each(encodings)('rank file ($name)', ({ name, ranks }) => {
  const source = readFileSync(rankModulePath(name));
  const hash = createHash('sha256').update(source).digest();
  const file = encodeRanks(ranks, source);

  it('decodes to the library table, token for token', () => {
    const back = decodeRanks(file, hash)!;
    expect(back).toBeDefined();
    expect(back.length).toBe(ranks.length);
    expect(back).toEqual(ranks);
  });

  it('is refused when made from other library data, or damaged', () => {
    expect(decodeRanks(file, createHash('sha256').update('another version').digest())).toBeUndefined();
    expect(decodeRanks(file.subarray(0, file.length - 1), hash)).toBeUndefined();
    const bad = Buffer.from(file);
    bad.writeUInt32LE(bad.readUInt32LE(44) + 1, 44); // blob lengths that do not add up
    expect(decodeRanks(bad, hash)).toBeUndefined();
  });
});
