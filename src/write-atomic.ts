// Reports and baselines are written through a temporary file and a rename, so a reader (a CI step, an
// editor) never sees half a file, and a failed write leaves the old one in place.
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/** Writes `text` (one string, or pieces written as they come) to `file` atomically. */
export async function writeAtomic(file: string, text: string | Iterable<string>): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    const fh = await open(tmp, 'w');
    try {
      for (const piece of typeof text === 'string' ? [text] : text) await fh.write(piece);
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}
