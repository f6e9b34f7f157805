// A read-only hash table from token keys (strings of UTF-16 code units) to ranks, held in typed arrays:
// no Map of 200,000 strings to build in every thread (~50 ms and ~20 MB of heap per thread, most of it
// garbage-collector work), and lookups of a substring without making it. Open addressing with linear
// probing at a load factor of at most 1/2; FNV-1a over code units.
//
// A table is built from its entries packed in three arrays (PackedEntries: what the build's rank file
// holds, ./rank-file.ts), in ~10 ms for o200k_base's 200,000 tokens. The built table is four arrays: per
// slot the key's offset into `keys` (u32), its length (u16) and its rank (i32, -1 for an empty slot),
// and the keys' code units back to back.

/** An empty slot's rank. */
const EMPTY = -1;

export interface TokenTableArrays {
  offsets: Uint32Array;
  lengths: Uint16Array;
  ranks: Int32Array;
  keys: Uint16Array;
}

function hashRange(s: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h ^ (h >>> 15)) >>> 0;
}

function hashCodes(keys: Uint16Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ keys[i]!, 0x01000193);
  return (h ^ (h >>> 15)) >>> 0;
}

export class TokenTable {
  private readonly mask: number;

  constructor(readonly arrays: TokenTableArrays) {
    const n = arrays.ranks.length;
    if (n === 0 || (n & (n - 1)) !== 0 || arrays.offsets.length !== n || arrays.lengths.length !== n) throw new Error('token table: bad slot arrays');
    this.mask = n - 1;
  }

  /** The rank of the key `s.slice(start, end)`, or `miss` when it is not a token. */
  rank(s: string, start: number, end: number, miss: number): number {
    const { offsets, lengths, ranks, keys } = this.arrays;
    const len = end - start;
    let slot = hashRange(s, start, end) & this.mask;
    for (;;) {
      const r = ranks[slot]!;
      if (r === EMPTY) return miss;
      if (lengths[slot] === len) {
        const o = offsets[slot]!;
        let k = 0;
        while (k < len && keys[o + k] === s.charCodeAt(start + k)) k++;
        if (k === len) return r;
      }
      slot = (slot + 1) & this.mask;
    }
  }

  /** Every (key, rank), in slot order (for tests). */
  *entries(): Generator<[string, number]> {
    const { offsets, lengths, ranks, keys } = this.arrays;
    for (let slot = 0; slot < ranks.length; slot++) {
      if (ranks[slot] === EMPTY) continue;
      yield [String.fromCharCode(...keys.subarray(offsets[slot]!, offsets[slot]! + lengths[slot]!)), ranks[slot]!];
    }
  }
}

/** Entries (key, rank) packed: per entry its key's length and its rank, and the keys' code units back to back. */
export interface PackedEntries {
  lengths: Uint16Array;
  ranks: Int32Array;
  keys: Uint16Array;
}

/** Packs (key, rank) entries in order. Throws on a key longer than 65,535 code units. */
export function packEntries(entries: readonly (readonly [string, number])[]): PackedEntries {
  let total = 0;
  for (const [k] of entries) total += k.length;
  const lengths = new Uint16Array(entries.length);
  const ranks = new Int32Array(entries.length);
  const keys = new Uint16Array(total);
  let at = 0;
  entries.forEach(([key, rank], i) => {
    if (key.length > 0xffff) throw new Error(`token table: key of rank ${rank} too long`);
    lengths[i] = key.length;
    ranks[i] = rank;
    for (let k = 0; k < key.length; k++) keys[at + k] = key.charCodeAt(k);
    at += key.length;
  });
  return { lengths, ranks, keys };
}

/**
 * The table of packed entries, taken in order: a key that comes again takes the later rank, as a Map
 * built in the same order would. The table's keys are `packed.keys` itself (a repeated key's later copy
 * is simply never pointed at).
 */
export function buildTokenTable(packed: PackedEntries): TokenTable {
  const { lengths, ranks: entryRanks, keys } = packed;
  let size = 16;
  while (size < 2 * lengths.length) size *= 2;
  const mask = size - 1;
  const offsets = new Uint32Array(size);
  const slotLengths = new Uint16Array(size);
  const ranks = new Int32Array(size).fill(EMPTY);
  let at = 0;
  for (let i = 0; i < lengths.length; i++) {
    const len = lengths[i]!;
    let slot = hashCodes(keys, at, at + len) & mask;
    for (;;) {
      if (ranks[slot] === EMPTY) {
        offsets[slot] = at;
        slotLengths[slot] = len;
        ranks[slot] = entryRanks[i]!;
        break;
      }
      if (slotLengths[slot] === len && sameCodes(keys, offsets[slot]!, at, len)) {
        ranks[slot] = entryRanks[i]!; // a later duplicate wins
        break;
      }
      slot = (slot + 1) & mask;
    }
    at += len;
  }
  if (at !== keys.length) throw new Error('token table: key lengths do not add up');
  return new TokenTable({ offsets, lengths: slotLengths, ranks, keys });
}

function sameCodes(keys: Uint16Array, a: number, b: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (keys[a + i] !== keys[b + i]) return false;
  return true;
}

/** Whether the arrays are a well-formed table: every key in bounds and in the slot its hash leads to. */
export function checkTokenTable(a: TokenTableArrays): boolean {
  const n = a.ranks.length;
  if (n === 0 || (n & (n - 1)) !== 0 || a.offsets.length !== n || a.lengths.length !== n) return false;
  const mask = n - 1;
  for (let slot = 0; slot < n; slot++) {
    if (a.ranks[slot] === EMPTY) continue;
    const o = a.offsets[slot]!;
    const len = a.lengths[slot]!;
    if (o + len > a.keys.length || a.ranks[slot]! < 0) return false;
    // every slot between the key's home slot and its own must be full, or a lookup would stop early
    for (let s = hashCodes(a.keys, o, o + len) & mask; s !== slot; s = (s + 1) & mask) if (a.ranks[s] === EMPTY) return false;
  }
  return true;
}
