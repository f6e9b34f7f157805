// Small integer ids for SHA-256 hashes, and hashes stored as bytes: how a log of many requests keeps the
// links of its prefix chains. As hex strings in a Map, each distinct link cost ~90 bytes of string plus a
// map entry, on the V8 heap that caps the log worker: a run's largest per-request cost once everything
// else was columns. Here a link is 32 bytes in a typed array (off that heap), plus 8 bytes of table.
import { Buffer } from 'node:buffer';

/** Bytes of a SHA-256 hash. */
export const HASH_BYTES = 32;
const WORDS = HASH_BYTES / 4;

/** Writes a 64-digit hex hash as 32 bytes at `offset` of `buf`; throws on anything else (a bug, not input). */
export function writeHash(buf: Buffer, offset: number, hex: string): void {
  if (hex.length !== HASH_BYTES * 2 || buf.write(hex, offset, HASH_BYTES, 'hex') !== HASH_BYTES) {
    throw new Error(`not a SHA-256 hex digest: ${hex.slice(0, 80)}`);
  }
}

/** A Buffer over all of a typed array's bytes (no copy). */
export function bytesOf(a: Uint8Array | Uint32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * Interns SHA-256 hashes (hex) into ids 1, 2, 3…: equal hashes get equal ids. An open-addressing table on
 * typed arrays; a hash's first word picks its slot, since SHA-256 words are already uniform.
 */
export class HashIds {
  /** key of id k at words (k-1)*WORDS … */
  private keys = new Uint32Array(WORDS * 1024);
  /** 0 = empty, else an id; at most half full */
  private slots = new Int32Array(2048);
  private count = 0;
  private readonly scratch = new Uint32Array(WORDS);
  private readonly scratchBytes = bytesOf(this.scratch);

  get size(): number {
    return this.count;
  }

  /** The id of a hash already interned, or 0. */
  find(hex: string): number {
    writeHash(this.scratchBytes, 0, hex);
    const s = this.scratch;
    const mask = this.slots.length - 1;
    for (let i = s[0]! & mask; ; i = (i + 1) & mask) {
      const id = this.slots[i]!;
      if (id === 0) return 0;
      if (this.matches(id, s)) return id;
    }
  }

  id(hex: string): number {
    writeHash(this.scratchBytes, 0, hex);
    const s = this.scratch;
    const mask = this.slots.length - 1;
    let i = s[0]! & mask;
    for (;;) {
      const id = this.slots[i]!;
      if (id === 0) break;
      if (this.matches(id, s)) return id;
      i = (i + 1) & mask;
    }
    const id = ++this.count;
    if (id * WORDS > this.keys.length) {
      const next = new Uint32Array(this.keys.length * 2);
      next.set(this.keys);
      this.keys = next;
    }
    this.keys.set(s, (id - 1) * WORDS);
    this.slots[i] = id;
    if (this.count * 2 > this.slots.length) this.rehash();
    return id;
  }

  private matches(id: number, s: Uint32Array): boolean {
    const base = (id - 1) * WORDS;
    for (let w = 0; w < WORDS; w++) if (this.keys[base + w] !== s[w]) return false;
    return true;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 1; id <= this.count; id++) {
      let i = this.keys[(id - 1) * WORDS]! & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = id;
    }
    this.slots = slots;
  }
}
