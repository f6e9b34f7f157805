// Reading one template or tool file into a SourceFile: size limit, encoding detection and decoding.
// Logs are streamed elsewhere; this is for files read whole.
import { open, stat } from 'node:fs/promises';
import type { InputProblem } from '../errors.js';
import type { SourceFile } from '../model.js';
import { computeLineStarts, makeSourceFile, positionAt } from '../source.js';

/** Limits applied while reading an input. */
export interface ReadLimits {
  /** refuse files larger than this many bytes (default {@link DEFAULT_MAX_TEMPLATE_BYTES}) */
  maxBytes?: number;
}

/** Default size limit for templates and tool files: 10 MiB. */
export const DEFAULT_MAX_TEMPLATE_BYTES = 10 * 1024 * 1024;

/** How far into a file we look for a NUL byte to call it binary (git uses the same window). */
const BINARY_SNIFF_BYTES = 8192;

/** Plain-words reasons for the filesystem errors users actually meet. */
const OS_REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a parent of the path is not a directory',
  ELOOP: 'too many levels of symbolic links',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the path is too long',
  EIO: 'an I/O error occurred',
};

/** Turns an fs error into a short reason ("permission denied"), falling back to its message. */
export function osReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && OS_REASONS[code]) return OS_REASONS[code];
  return err instanceof Error ? err.message : String(err);
}

function problem(code: InputProblem['code'], file: string, message: string, line?: number): InputProblem {
  const p: InputProblem = { code, file, message };
  if (line !== undefined) p.line = line;
  return p;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1).replace(/\.0$/, '')} KiB`;
  return `${n} bytes`;
}

function tooLarge(displayPath: string, size: number, limit: number): InputProblem {
  return problem(
    'KVE304',
    displayPath,
    `file is ${formatBytes(size)} (${size} bytes), over the ${formatBytes(limit)} limit; raise it with --max-file-size`,
  );
}

/**
 * Reads a template or tool file from disk. Returns the SourceFile, or an InputProblem (KVE301 unreadable,
 * KVE302 binary, KVE303 bad encoding, KVE304 too large, KVE307 empty) naming `displayPath`.
 * The size is checked with stat before any byte is read, so a huge file costs nothing.
 */
export async function readTextInput(
  absPath: string,
  displayPath: string,
  limits: ReadLimits = {},
): Promise<SourceFile | InputProblem> {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_TEMPLATE_BYTES;
  let buf: Buffer;
  try {
    const st = await stat(absPath);
    if (st.isDirectory()) return problem('KVE301', displayPath, `cannot read ${displayPath}: it is a directory`);
    if (st.size > maxBytes) return tooLarge(displayPath, st.size, maxBytes);
    buf = await readCapped(absPath, maxBytes + 1);
  } catch (err) {
    return problem('KVE301', displayPath, `cannot read ${displayPath}: ${osReason(err)}`);
  }
  if (buf.length > maxBytes) return tooLarge(displayPath, buf.length, maxBytes);
  return decode(buf, displayPath, absPath);
}

/**
 * Builds a SourceFile from bytes already in memory (stdin). Same checks and messages as readTextInput.
 */
export function sourceFromBuffer(buf: Buffer, displayPath: string, limits: ReadLimits = {}): SourceFile | InputProblem {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_TEMPLATE_BYTES;
  if (buf.length > maxBytes) return tooLarge(displayPath, buf.length, maxBytes);
  return decode(buf, displayPath, undefined);
}

/** Tells an InputProblem from a SourceFile. */
export function isInputProblem(x: SourceFile | InputProblem): x is InputProblem {
  return (x as InputProblem).code !== undefined && (x as SourceFile).lineStarts === undefined;
}

function decode(buf: Buffer, displayPath: string, absPath: string | undefined): SourceFile | InputProblem {
  if (buf.length === 0) return problem('KVE307', displayPath, `${displayPath} is empty`);
  let text: string;
  const b0 = buf[0];
  const b1 = buf[1];
  if (b0 === 0xff && b1 === 0xfe) {
    text = decodeUtf16(buf, 'utf-16le');
  } else if (b0 === 0xfe && b1 === 0xff) {
    text = decodeUtf16(buf, 'utf-16be');
  } else {
    const head = buf.subarray(0, BINARY_SNIFF_BYTES);
    if (head.includes(0)) {
      return problem('KVE302', displayPath, `${displayPath} looks binary (it holds a NUL byte); only text inputs are read`);
    }
    try {
      // ignoreBOM keeps a UTF-8 BOM in the string so makeSourceFile can record it for the BOM rule.
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buf);
    } catch {
      const at = firstInvalidUtf8(buf);
      const prefix = new TextDecoder('utf-8', { ignoreBOM: true }).decode(buf.subarray(0, at));
      const probe = makeProbe(prefix);
      const { line, column } = positionAt(probe, probe.text.length);
      return problem(
        'KVE303',
        displayPath,
        `${displayPath} is not valid UTF-8: invalid byte 0x${(buf[at] ?? 0).toString(16).padStart(2, '0')} at line ${line}, column ${column}; re-save it as UTF-8`,
        line,
      );
    }
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return problem('KVE307', displayPath, `${displayPath} is empty (only whitespace)`);
  return makeSourceFile(displayPath, text, absPath);
}

/** TextDecoder consumes the UTF-16 BOM: it marks the encoding, it is not content the model sees. */
function decodeUtf16(buf: Buffer, enc: 'utf-16le' | 'utf-16be'): string {
  return new TextDecoder(enc).decode(buf);
}

/**
 * Reads at most `cap` bytes. The file may have grown between stat and read; reading one byte past the
 * limit is enough to notice without pulling a runaway file into memory.
 */
async function readCapped(absPath: string, cap: number): Promise<Buffer> {
  const fh = await open(absPath, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < cap) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, cap - total));
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
    }
    return Buffer.concat(chunks, total);
  } finally {
    await fh.close();
  }
}

function makeProbe(text: string): SourceFile {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return { path: '', text: body, lineStarts: computeLineStarts(body), bom: false };
}

/** Byte offset of the first byte that breaks UTF-8 (overlongs, surrogates and truncation included). */
export function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let cp: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
      cp = b & 0x0f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
      cp = b & 0x07;
    } else {
      return i;
    }
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return buf.length;
}
