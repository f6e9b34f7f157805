// Writing a fixed file safely: a temporary file in the same directory (so the rename is atomic on one
// filesystem), the original's permission bits, and a last look at the original right before the rename so
// an editor's save or a concurrent formatter between our read and our write is never clobbered.
import { createHash } from 'node:crypto';
import { chmod, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** What a file looked like when it was read: compared again right before it is replaced. */
export interface ReadSnapshot {
  bytes: Buffer;
  sha256: string;
  size: number;
  mtimeMs: number;
  mode: number;
}

export function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

export async function readSnapshot(abs: string): Promise<ReadSnapshot> {
  const st = await stat(abs);
  const bytes = await readFile(abs);
  return { bytes, sha256: sha256(bytes), size: st.size, mtimeMs: st.mtimeMs, mode: st.mode & 0o7777 };
}

/** Thrown when the file on disk is no longer the one the fix was computed from. */
export class ChangedOnDiskError extends Error {
  constructor(readonly file: string) {
    super(`${file} changed since kvlint read it; not overwritten (run --fix again)`);
  }
}

/** Unique enough within one process; the pid keeps two kvlint processes apart. */
let counter = 0;

/**
 * Replaces `abs` with `bytes` atomically, keeping its mode; refuses (ChangedOnDiskError) when the file's
 * size, mtime or content differ from `snap`. The temporary file is removed on any failure.
 */
export async function writeFixed(abs: string, bytes: Buffer, snap: ReadSnapshot, beforeRename?: () => Promise<void>): Promise<void> {
  const tmp = path.join(path.dirname(abs), `.${path.basename(abs)}.kvlint-${process.pid}-${counter++}.tmp`);
  try {
    await writeFile(tmp, bytes, { flag: 'wx', mode: snap.mode });
    await chmod(tmp, snap.mode); // writeFile's mode is masked by the umask; the original's bits are not
    await beforeRename?.();
    const st = await stat(abs);
    if (st.size !== snap.size || st.mtimeMs !== snap.mtimeMs || sha256(await readFile(abs)) !== snap.sha256) throw new ChangedOnDiskError(abs);
    await rename(tmp, abs);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}
