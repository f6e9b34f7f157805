// The json report is written in pieces (src/formatters/json.ts): joined, they must be exactly
// JSON.stringify(value, null, 2), whatever the value: long arrays split element by element, nested
// objects, values JSON leaves out (undefined, functions) or turns into null, toJSON, odd keys.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonChunks } from '../../src/formatters/json.js';
import { LazyList } from '../../src/list.js';

const leaf = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constant(() => 1));
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('tree'), { maxLength: 40 }),
  object: fc.dictionary(fc.string({ maxLength: 6 }), tie('tree'), { maxKeys: 6 }),
}));

describe('json in pieces', () => {
  it('joins to JSON.stringify(value, null, 2) for any object or array', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(tree, { maxLength: 60 }), fc.dictionary(fc.string({ maxLength: 6 }), tree)), (v) => {
        expect([...jsonChunks(v)].join('')).toBe(JSON.stringify(v, null, 2));
      }),
      { seed: 42, numRuns: 400 },
    );
  });

  it('splits a large report-shaped value into pieces of at least CHUNK (32 K) characters, each small enough for the young generation, and honours toJSON', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ index: i, file: 'a.jsonl', hashes: { rawChain: ['ab'.repeat(32)] }, skip: undefined, when: new Date(0) }));
    const value = { version: 1, logs: { lineages: [{ lineage: 'x', requests: rows }] }, projection: { requests: rows.slice(0, 100) } };
    const pieces = [...jsonChunks(value)];
    expect(pieces.length).toBeGreaterThan(3);
    for (const p of pieces.slice(0, -1)) {
      expect(p.length).toBeGreaterThanOrEqual(1 << 15);
      expect(p.length).toBeLessThan(1 << 16);
    }
    expect(pieces.join('')).toBe(JSON.stringify(value, null, 2));
  });

  it('writes a LazyList item by item, building each item once, as JSON.stringify writes its toJSON array', () => {
    fc.assert(
      fc.property(fc.array(tree, { maxLength: 60 }), fc.array(tree, { maxLength: 5 }), (items, small) => {
        let built = 0;
        const list = new LazyList(items.length, (i) => (built++, items[i]));
        const value = { logs: { lineages: [{ lineage: 'x', requests: list, small: new LazyList(small.length, (i) => small[i]) }] } };
        const text = [...jsonChunks(value)].join('');
        expect(text).toBe(JSON.stringify({ logs: { lineages: [{ lineage: 'x', requests: items, small }] } }, null, 2));
        expect(built).toBe(items.length);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
