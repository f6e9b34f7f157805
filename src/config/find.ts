// Config discovery: walk up from a directory to the repository root, taking the first config file found.
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { KvlintError } from '../errors.js';

/** Config file names, in the order they are looked for in each directory (package.json#kvlint comes last). */
export const CONFIG_FILENAMES = [
  'kvlint.config.yaml',
  'kvlint.config.yml',
  '.kvlintrc.yaml',
  '.kvlintrc.yml',
  '.kvlintrc.json',
] as const;

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** 1-based line of a JSON.parse error, from the `position N` V8 puts in its message. */
function jsonErrorLine(text: string, err: unknown): number {
  const m = /position (\d+)/.exec(err instanceof Error ? err.message : '');
  if (!m) return 1;
  return text.slice(0, Number(m[1])).split('\n').length;
}

/**
 * True when the package.json at `path` has a top-level `kvlint` key. A package.json that never mentions
 * kvlint is not parsed at all (a broken one elsewhere in the tree is not our business); one that does
 * must parse, or the config it holds would be silently skipped.
 */
async function packageHasKvlint(path: string): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return false;
  }
  if (!text.includes('"kvlint"')) return false;
  let pkg: unknown;
  try {
    pkg = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    const line = jsonErrorLine(text, err);
    throw new KvlintError('KVE201', `${path}:${line}: invalid JSON: ${err instanceof Error ? err.message : String(err)}`, {
      file: path,
      line,
    });
  }
  return typeof pkg === 'object' && pkg !== null && !Array.isArray(pkg) && Object.prototype.hasOwnProperty.call(pkg, 'kvlint');
}

/** Options of {@link findConfig}. */
export interface FindConfigOptions {
  /** do not look above this directory (e.g. the home directory); it is itself searched */
  stopAt?: string;
}

/**
 * The config file that applies to `startDir`: in each directory from `startDir` up, the first of
 * {@link CONFIG_FILENAMES}, then a package.json with a `kvlint` key. The walk ends after the first
 * directory holding `.git` (the repository root: a config above it belongs to another project), at
 * `stopAt`, or at the filesystem root. Resolves to an absolute path, or undefined when there is none.
 */
export async function findConfig(startDir: string, opts: FindConfigOptions = {}): Promise<string | undefined> {
  const stopAt = opts.stopAt === undefined ? undefined : resolve(opts.stopAt);
  let dir = resolve(startDir);
  for (;;) {
    for (const name of CONFIG_FILENAMES) {
      const candidate = join(dir, name);
      if (await isFile(candidate)) return candidate;
    }
    const pkg = join(dir, 'package.json');
    if ((await isFile(pkg)) && (await packageHasKvlint(pkg))) return pkg;
    if (await exists(join(dir, '.git'))) return undefined;
    if (dir === stopAt) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
