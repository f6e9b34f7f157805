// Reports and baselines are written through a temporary file and a rename, so a reader (a CI step, an
// editor) never sees half a file, and a failed write leaves the old one in place.
import { rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

export async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}
