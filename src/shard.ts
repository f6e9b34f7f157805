// Which shard of a split run a lineage (or a template path) belongs to. `--shard i/n` analyzes only the
// keys that hash to shard i, so n jobs on any runner (a CI matrix, GNU parallel, Kubernetes indexed Jobs)
// each read the whole export but analyze a disjoint 1/n of it; `kvlint merge` puts the reports together.
// The hash is SHA-256, not a faster one, so the split is the same on every machine and Node version.
import { createHash } from 'node:crypto';
import { KvlintError } from './errors.js';

export interface Shard {
  /** 1-based, as CI matrices and `--shard 2/4` count */
  index: number;
  count: number;
}

/** Parses `i/n` (1 ≤ i ≤ n). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new KvlintError('KVE101', `--shard takes i/n with 1 ≤ i ≤ n, got '${text}'`, { hint: 'e.g. --shard 2/4 for the second of four jobs' });
  }
  return { index, count };
}

/** The 1-based shard a key falls in: the first 32 bits of its SHA-256, modulo the shard count. */
export function shardOf(key: string, count: number): number {
  if (count <= 1) return 1;
  return (createHash('sha256').update(key).digest().readUInt32BE(0) % count) + 1;
}

/** Whether a key belongs to `shard` (every key does when there is no shard). */
export function inShard(key: string, shard: Shard | undefined): boolean {
  return !shard || shardOf(key, shard.count) === shard.index;
}
