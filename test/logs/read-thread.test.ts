// The reader thread (readLinesThreaded) and the reused-buffer splitting it relies on must deliver exactly
// what readLines delivers: the same records, issues and progress, for any bytes.
import fc from 'fast-check';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PrestartedReaders, readLines, readLinesThreaded, splitLines, type LineRecord, type StreamIssue } from '../../src/logs/read.js';

/** Byte pieces that exercise decoding: multibyte and 4-byte characters, invalid UTF-8, BOM, CR, newlines. */
const PIECES = ['a', '{"x":1}', ' ', 'é', '検', '😀', '\n', '\r\n', '\r', '\ufeff', '\ufffd', [0xff], [0xc3], [0xed, 0xa0, 0x80], [0xef, 0xbb, 0xbf]];
const bytes = fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }).map((ps) => Buffer.concat(ps.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p)))));

type Row = [number, string, boolean, number | undefined, number | undefined];
const row = (r: LineRecord): Row => [r.line, r.text, r.terminated, r.overLong, r.invalidUtf8];

/** Chunks of `size` bytes, each copied into one scratch buffer that the next chunk overwrites. */
async function* reused(b: Buffer, size: number): AsyncGenerator<Buffer> {
  const scratch = Buffer.alloc(size);
  for (let i = 0; i < b.length; i += size) {
    const n = b.copy(scratch, 0, i, Math.min(b.length, i + size));
    yield scratch.subarray(0, n);
    scratch.fill(0x2a); // anything kept from the last chunk would now read as '*'
  }
}

describe('splitLines with reuse', () => {
  it('gives the records of the plain split, whatever the chunking and the line limit', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 40 }), async (b, size, limit) => {
        const plain: Row[] = [];
        for await (const r of splitLines(Readable.from([b]), { maxLineBytes: limit })) plain.push(row(r));
        const got: Row[] = [];
        for await (const r of splitLines(reused(b, size), { maxLineBytes: limit, reuse: true })) got.push(row(r));
        expect(got).toEqual(plain);
      }),
      { seed: 31, numRuns: 400 },
    );
  });
});

const built = existsSync(resolve(__dirname, '../../dist/logs/read-worker.js'));

async function collect(gen: AsyncGenerator<LineRecord>): Promise<Row[]> {
  const out: Row[] = [];
  for await (const r of gen) out.push(row(r));
  return out;
}

describe.skipIf(!built)('readLinesThreaded (needs npm run build: the thread runs dist/logs/read-worker.js)', () => {
  it('delivers what readLines delivers: records, issues and progress, plain and gzip', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvlint-read-'));
    const samples = fc.sample(bytes, { seed: 32, numRuns: 12 });
    // long lines cross chunks and batches; one is over the line limit below
    samples.push(Buffer.concat([Buffer.from('\ufeff{"a":"'), Buffer.from('é検'.repeat(300_000)), Buffer.from('"}\r\nnext\n'), Buffer.alloc(2_000_000, 0x61), Buffer.from('\nlast')]));
    let k = 0;
    for (const b of samples) {
      for (const gz of [false, true]) {
        const file = join(dir, `s${k++}.jsonl${gz ? '.gz' : ''}`);
        writeFileSync(file, gz ? gzipSync(b) : b);
        // a gzip stream cut short reports an issue
        const cut = join(dir, `c${k}.jsonl.gz`);
        writeFileSync(cut, gzipSync(b).subarray(0, Math.max(10, gzipSync(b).length - 8)));
        for (const f of gz ? [file, cut] : [file]) {
          const want = { issues: [] as StreamIssue[], progress: [] as number[] };
          const got = { issues: [] as StreamIssue[], progress: [] as number[] };
          const opts = (o: typeof want) => ({ maxLineBytes: 1_500_000, onIssue: (i: StreamIssue) => o.issues.push(i), onBytes: (n: number) => o.progress.push(n) });
          const a = await collect(readLines(f, opts(want)));
          const t = await collect(readLinesThreaded(f, opts(got)));
          expect(t).toEqual(a);
          expect(got.issues).toEqual(want.issues);
          expect(got.progress).toEqual(want.progress);
        }
      }
    }
  });

  it('ends its thread when the caller stops early', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvlint-read-'));
    const file = join(dir, 'many.jsonl');
    writeFileSync(file, '{"a":1}\n'.repeat(100_000));
    let n = 0;
    for await (const r of readLinesThreaded(file)) {
      expect(r.text).toBe('{"a":1}');
      if (++n === 10) break;
    }
    expect(n).toBe(10);
  });

  it('a prestarted reader, taken by the read of its file and line limit, delivers what a fresh one does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvlint-read-'));
    const file = join(dir, 'pre.jsonl');
    writeFileSync(file, Array.from({ length: 5000 }, (_, i) => `{"i":${i},"t":"é検${'x'.repeat(i % 300)}"}`).join('\n'));
    const fresh = await collect(readLinesThreaded(file, { maxLineBytes: 4096 }));
    // one with another limit is not taken (it would split differently) and is ended by the discard
    const readers = new PrestartedReaders([{ abs: file, maxLineBytes: 4096 }, { abs: file, maxLineBytes: 100 }]);
    await new Promise((r) => setTimeout(r, 200)); // it reads ahead, a bounded number of batches
    expect(await collect(readLinesThreaded(file, { maxLineBytes: 4096, readers }))).toEqual(fresh);
    expect(readers.take(file, 4096)).toBeUndefined(); // taken once
    readers.discard();
    expect(readers.take(file, 100)).toBeUndefined();
    expect(await collect(readLinesThreaded(file, { maxLineBytes: 100 }))).toEqual(await collect(readLines(file, { maxLineBytes: 100 })));
  });
});
