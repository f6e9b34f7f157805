// Chain links interned off the V8 heap must behave exactly like a Map from hex string to first-seen id.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HashIds } from '../../src/prefix/hash-ids.js';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

describe('HashIds', () => {
  it('numbers hashes 1, 2, 3… in first-seen order, like a Map would', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(300), { maxLength: 400 }), (picks) => {
        const ids = new HashIds();
        const map = new Map<string, number>();
        for (const p of picks) {
          const h = sha(String(p));
          if (!map.has(h)) map.set(h, map.size + 1);
          expect(ids.id(h)).toBe(map.get(h));
        }
        expect(ids.size).toBe(map.size);
      }),
    );
  });

  it('keeps every id through its tables growing', () => {
    const ids = new HashIds();
    const hashes = Array.from({ length: 20_000 }, (_, i) => sha(`h${i}`));
    hashes.forEach((h, i) => expect(ids.id(h)).toBe(i + 1));
    hashes.forEach((h, i) => expect(ids.id(h)).toBe(i + 1));
  });

  it('refuses what is not a SHA-256 hex digest', () => {
    const ids = new HashIds();
    expect(() => ids.id('abc')).toThrow(/not a SHA-256/);
    expect(() => ids.id('z'.repeat(64))).toThrow(/not a SHA-256/);
  });
});
