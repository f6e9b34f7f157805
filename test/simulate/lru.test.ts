import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntLru } from '../../src/simulate/lru.js';

/** The reference: a Map used as an LRU (delete + set touches, the first key is the oldest). */
class MapLru {
  readonly map = new Map<number, true>();
  touch(k: number): void {
    this.map.delete(k);
    this.map.set(k, true);
  }
  evictOldest(): number {
    const k = this.map.keys().next().value;
    if (k === undefined) return 0;
    this.map.delete(k);
    return k;
  }
}

describe('IntLru', () => {
  it('keeps the same order as a Map used as an LRU', () => {
    const op = fc.oneof(fc.record({ touch: fc.integer({ min: 1, max: 3000 }) }), fc.constant({ evict: true as const }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const a = new IntLru();
        const b = new MapLru();
        for (const o of ops) {
          if ('touch' in o) {
            a.touch(o.touch);
            b.touch(o.touch);
          } else expect(a.evictOldest()).toBe(b.evictOldest());
          expect(a.size).toBe(b.map.size);
        }
        for (let k = 1; k <= 3000; k++) expect(a.has(k)).toBe(b.map.has(k));
        const order: number[] = [];
        for (let k = a.evictOldest(); k !== 0; k = a.evictOldest()) order.push(k);
        expect(order).toEqual([...b.map.keys()]);
      }),
    );
  });
});
