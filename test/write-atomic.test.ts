// Reports written in pieces must come out byte for byte as the joined text, whatever the pieces' sizes
// and characters (multi-byte ones across the 1 MB write boundary included), and a slow pipe must be
// waited for rather than buffered.
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { writePieces } from '../src/commands/emit.js';
import { writeAtomic } from '../src/write-atomic.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kvlint-write-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeAtomic in pieces', () => {
  it('writes exactly the joined pieces', async () => {
    const piece = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('é', '日本', '😀', 'x'.repeat(400_000), '€'.repeat(300_000)));
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 30 }), async (pieces) => {
        const file = path.join(dir, 'out.json');
        await writeAtomic(file, pieces);
        expect(readFileSync(file).equals(Buffer.from(pieces.join(''), 'utf8'))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('crosses the write boundary with 4-byte characters intact', async () => {
    const file = path.join(dir, 'emoji.json');
    const pieces = Array.from({ length: 40_000 }, (_, i) => `${i}😀`);
    await writeAtomic(file, pieces);
    expect(readFileSync(file, 'utf8')).toBe(pieces.join(''));
  });
});

describe('writePieces', () => {
  it('waits for drain when the stream is full', async () => {
    const events = new EventEmitter();
    const written: string[] = [];
    let full = false;
    const out = {
      write(s: string): boolean {
        expect(full).toBe(false); // never written to while full
        written.push(s);
        full = written.length % 3 === 0;
        if (full) setTimeout(() => ((full = false), events.emit('drain')), 1);
        return !full;
      },
      once: (e: 'drain', cb: () => void) => events.once(e, cb),
    };
    const pieces = Array.from({ length: 10 }, (_, i) => String(i));
    await writePieces(out, pieces);
    expect(written).toEqual(pieces);
  });
});
