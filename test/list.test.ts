// LazyList: the per-request parts of a report, built item by item when they are read (src/list.ts).
import { describe, expect, it } from 'vitest';
import { LazyList, some } from '../src/list.js';

describe('LazyList', () => {
  it('reads like an array: length, at() with negative indices, iteration, JSON', () => {
    const list = new LazyList(4, (i) => ({ i }));
    expect(list.length).toBe(4);
    expect(list.at(0)).toEqual({ i: 0 });
    expect(list.at(-1)).toEqual({ i: 3 });
    expect(list.at(1.7)).toEqual({ i: 1 });
    expect(list.at(4)).toBeUndefined();
    expect(list.at(-5)).toBeUndefined();
    expect([...list]).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }, { i: 3 }]);
    expect(JSON.stringify({ r: list })).toBe(JSON.stringify({ r: [{ i: 0 }, { i: 1 }, { i: 2 }, { i: 3 }] }));
    const [a, b] = list;
    expect([a, b]).toEqual([{ i: 0 }, { i: 1 }]);
  });

  it('builds an item each time it is read, and only then', () => {
    const built: number[] = [];
    const list = new LazyList(1_000_000, (i) => (built.push(i), i * 2));
    expect(built).toEqual([]);
    expect(list.at(999_999)).toBe(1_999_998);
    expect(some(list, (x) => x === 4)).toBe(true);
    expect(built).toEqual([999_999, 0, 1, 2]);
    expect(list.at(0)).toBe(0);
    expect(built).toHaveLength(5); // not kept: read again, built again
  });

  it('some stops at the first match', () => {
    let n = 0;
    expect(some(new LazyList(10, (i) => (n++, i)), (x) => x === 2)).toBe(true);
    expect(n).toBe(3);
    expect(some([], () => true)).toBe(false);
  });
});
