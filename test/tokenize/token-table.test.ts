// The typed-array token table (src/tokenize/token-table.ts) must answer exactly as a Map built from the
// same entries in the same order: every key found with its (last) rank, every other range missed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTokenTable as build, checkTokenTable, packEntries, TokenTable } from '../../src/tokenize/token-table.js';

const buildTokenTable = (entries: readonly (readonly [string, number])[]): TokenTable => build(packEntries(entries));

describe('token table', () => {
  it('agrees with a Map on keys, duplicates and ranges that are not keys', () => {
    const key = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.nat(300_000)), { maxLength: 200 }), fc.array(key, { maxLength: 50 }), (entries, probes) => {
        const table = buildTokenTable(entries);
        const map = new Map(entries);
        expect(checkTokenTable(table.arrays)).toBe(true);
        for (const [k, r] of map) expect(table.rank(k, 0, k.length, -1)).toBe(r);
        for (const p of probes) {
          // every range of a probe, as a merge asks for them
          for (let a = 0; a < p.length; a++) {
            for (let b = a + 1; b <= p.length; b++) expect(table.rank(p, a, b, -1)).toBe(map.get(p.slice(a, b)) ?? -1);
          }
        }
        expect(new Map(table.entries())).toEqual(map);
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('refuses packed entries whose lengths do not add up to the keys', () => {
    const p = packEntries([
      ['ab', 1],
      ['c', 2],
    ]);
    expect(() => build({ ...p, keys: p.keys.subarray(0, 2) })).toThrow(/do not add up/);
  });

  it('refuses malformed slot arrays, and finds a key moved out of its probe run', () => {
    expect(() => new TokenTable({ offsets: new Uint32Array(3), lengths: new Uint16Array(3), ranks: new Int32Array(3), keys: new Uint16Array(0) })).toThrow();
    const t = buildTokenTable([
      ['a', 1],
      ['b', 2],
    ]);
    // move every slot one on: a lookup starting at a key's home slot now meets an empty slot first
    const shift = <T extends Uint32Array | Uint16Array | Int32Array>(a: T): T => {
      const out = a.slice() as T;
      for (let i = 0; i < a.length; i++) out[(i + 1) % a.length] = a[i]!;
      return out;
    };
    const broken = { ...t.arrays, ranks: shift(t.arrays.ranks), offsets: shift(t.arrays.offsets), lengths: shift(t.arrays.lengths) };
    expect(checkTokenTable(t.arrays)).toBe(true);
    expect(checkTokenTable(broken)).toBe(false);
  });
});
