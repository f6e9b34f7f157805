// Chained SHA-256 over fixed token blocks, the way paged KV caches key their blocks (16 tokens vLLM,
// 64 DeepSeek, 128 OpenAI's reporting granularity). Token ids come from gpt-tokenizer's `encode`
// (lazily imported), memoized per distinct segment text in a bounded LRU; blocks lying wholly within
// the prefix shared with the previous request of the lineage are copied, not re-hashed.
import { createHash } from 'node:crypto';
import type { EncodingName } from '../tokenize/index.js';
import { CHAIN_SEED } from './hash.js';

/** Block sizes of the targets kvlint models. */
export const BLOCK_SIZES = { vllm: 16, deepseek: 64, openai: 128 } as const;

type EncodeFn = (text: string) => number[];
const encoders = new Map<EncodingName, Promise<EncodeFn>>();

/** Loads gpt-tokenizer's `encode` for an encoding (o200k_base, or cl100k_base for older OpenAI models). */
export function loadEncoder(encoding: EncodingName): Promise<EncodeFn> {
  let p = encoders.get(encoding);
  if (!p) {
    p = (async () => {
      const mod = encoding === 'cl100k_base' ? await import('gpt-tokenizer/encoding/cl100k_base') : await import('gpt-tokenizer/encoding/o200k_base');
      return (text: string) => mod.encode(text, { disallowedSpecial: new Set() });
    })();
    encoders.set(encoding, p);
  }
  return p;
}

/** Token ids per distinct segment, keyed by the segment's hash; least recently used entries are evicted. */
export class TokenIdCache {
  private readonly map = new Map<string, Uint32Array>();
  constructor(
    private readonly encode: EncodeFn,
    private readonly max = 2048,
  ) {}

  /** Token ids of `text`, memoized under `key` (the segment's SHA-256). */
  get(key: string, text: string): Uint32Array {
    const hit = this.map.get(key);
    if (hit) {
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    const ids = Uint32Array.from(this.encode(text));
    this.map.set(key, ids);
    if (this.map.size > this.max) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
    return ids;
  }

  get size(): number {
    return this.map.size;
  }
}

/** The chained hashes of a prompt's full token blocks. */
export interface BlockChain {
  size: number;
  /** total tokens (the trailing partial block is not hashed: engines cache full blocks only) */
  tokens: number;
  hashes: string[];
  /** how many leading hashes were copied from the previous chain */
  reused: number;
}

/**
 * Hashes the full blocks of the concatenated segment token ids: h_k = sha256(h_{k-1} ‖ ids of block k).
 * With `prev` and the number of leading tokens shared with it, blocks wholly inside the shared prefix are
 * taken from `prev` (same tokens, same chain) and hashing resumes after them.
 */
export function blockChain(segmentIds: readonly Uint32Array[], size: number, prev?: { chain: BlockChain; sharedTokens: number }): BlockChain {
  let total = 0;
  for (const ids of segmentIds) total += ids.length;
  const full = Math.floor(total / size);
  const reuse = prev && prev.chain.size === size ? Math.min(prev.chain.hashes.length, Math.floor(prev.sharedTokens / size), full) : 0;
  const hashes = prev && reuse > 0 ? prev.chain.hashes.slice(0, reuse) : [];
  if (full > reuse) {
    // Gather only the tail from the first block that must be hashed.
    const from = reuse * size;
    const tail = new Uint32Array(full * size - from);
    let pos = 0; // absolute token position
    let w = 0;
    for (const ids of segmentIds) {
      const end = pos + ids.length;
      if (end > from && w < tail.length) {
        const s = Math.max(0, from - pos);
        const take = Math.min(ids.length - s, tail.length - w);
        tail.set(ids.subarray(s, s + take), w);
        w += take;
      }
      pos = end;
      if (w >= tail.length) break;
    }
    let h: Buffer = reuse > 0 ? Buffer.from(hashes[reuse - 1]!, 'hex') : CHAIN_SEED;
    const bytes = Buffer.from(tail.buffer, tail.byteOffset, tail.byteLength);
    for (let k = 0; k < full - reuse; k++) {
      h = createHash('sha256').update(h).update(bytes.subarray(k * size * 4, (k + 1) * size * 4)).digest();
      hashes.push(h.toString('hex'));
    }
  }
  return { size, tokens: total, hashes, reused: reuse };
}
