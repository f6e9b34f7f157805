// Reports and baselines are written through a temporary file and a rename, so a reader (a CI step, an
// editor) never sees half a file, and a failed write leaves the old one in place.
import { Buffer } from 'node:buffer';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/** Bytes gathered before each write when the text comes in pieces. */
const WRITE_BYTES = 1 << 20;

/**
 * Writes `text` (one string, or pieces written as they come) to `file` atomically. Pieces are encoded
 * into one reused buffer and written a megabyte at a time: a write per piece would be slow, and a new
 * buffer per megabyte is garbage the main thread's GC collects late.
 */
export async function writeAtomic(file: string, text: string | Iterable<string>): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    const fh = await open(tmp, 'w');
    try {
      if (typeof text === 'string') await fh.write(text);
      else {
        const buf = Buffer.allocUnsafe(WRITE_BYTES);
        let used = 0;
        for (const piece of text) {
          // a UTF-16 code unit is at most 3 UTF-8 bytes
          if (used + piece.length * 3 > WRITE_BYTES && used > 0) {
            await fh.write(buf, 0, used);
            used = 0;
          }
          if (piece.length * 3 > WRITE_BYTES) await fh.write(piece);
          else used += buf.write(piece, used);
        }
        if (used > 0) await fh.write(buf, 0, used);
      }
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}
