// Turning the paths and globs on the command line into a sorted, deduplicated list of input files.
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import fs from 'node:fs';
import type fg from 'fast-glob';
import { DEFAULT_LIMITS } from '../limits.js';
import type { InputProblem } from '../errors.js';
import { GitIgnores } from './gitignore.js';
import { compileIgnore, type IgnoreMatcher } from './ignore.js';
import { osReason } from './read.js';

/** Extensions a directory walk picks up; explicitly named files are taken whatever their extension. */
export const KNOWN_EXTENSIONS: readonly string[] = [
  '.txt', '.md', '.markdown', '.j2', '.jinja', '.jinja2', '.hbs', '.handlebars', '.mustache', '.prompt',
  '.prompty', '.json', '.jsonl', '.ndjson', '.yaml', '.yml', '.snap', '.har', '.gz',
  // application source code, where prompts are assembled (src/normalize/source)
  '.py', '.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs',
];

/** Directories never walked into, whatever the ignore file says. */
const ALWAYS_SKIPPED = new Set(['node_modules', '.git']);

/** The ignore file read from cwd unless another is named. */
export const DEFAULT_IGNORE_FILE = '.kvlintignore';

/** One input file found on disk. */
export interface DiscoveredFile {
  abs: string;
  /** relative to cwd, POSIX separators */
  rel: string;
  /** named on the command line (or matched by a glob) rather than found by walking a directory */
  explicit: boolean;
}

export interface DiscoverOptions {
  cwd: string;
  /** path of the ignore file, relative to cwd; defaults to `.kvlintignore` (a missing file is fine) */
  ignoreFile?: string;
  /**
   * false (--no-ignore): walks and globs take ignored files too; .gitignore and the ignore file are not
   * read. Default true.
   */
  ignore?: boolean;
  /** most files returned (default DEFAULT_LIMITS.maxFiles); more are reported (KVE304), never dropped silently */
  maxFiles?: number;
  /** the callback-style readdir globs walk with (default fs.readdir); tests inject failures through it */
  readdir?: typeof fs.readdir;
}

export interface DiscoverResult {
  files: DiscoveredFile[];
  problems: InputProblem[];
}

/**
 * Expands paths, directories and globs into input files, sorted by `rel` and deduplicated.
 * A named file is taken as given, even when an ignore file lists it (as Ruff does: a pre-commit hook names
 * staged files, and naming a file asks for it); a directory contributes files with {@link KNOWN_EXTENSIONS},
 * skipping node_modules, .git, what the .gitignore files in force list (nested ones and negations as git
 * reads them) and what the ignore file lists; a glob contributes every file it matches that is not
 * ignored. Symbolic links met while walking are not followed; one that points back at an ancestor
 * is reported as a loop. Missing paths and unreadable directories become problems, never exceptions.
 */
export async function discover(patterns: string[], opts: DiscoverOptions): Promise<DiscoverResult> {
  const cwd = path.resolve(opts.cwd);
  const problems: InputProblem[] = [];
  const useIgnores = opts.ignore !== false;
  const kvlintIgnored = useIgnores ? await loadIgnore(cwd, opts.ignoreFile, problems) : () => false;
  const git = useIgnores ? new GitIgnores(cwd, problems) : undefined;
  const skipped = { any: false };
  const found = new Map<string, DiscoveredFile>();
  const add = (abs: string, explicit: boolean): void => {
    const prev = found.get(abs);
    if (prev) {
      prev.explicit ||= explicit;
      return;
    }
    found.set(abs, { abs, rel: toRel(cwd, abs), explicit });
  };

  for (const pattern of patterns) {
    const abs = path.resolve(cwd, pattern);
    let st;
    try {
      st = await stat(abs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && (await fastGlob()).isDynamicPattern(toPosix(pattern))) {
        await expandGlob(pattern, cwd, kvlintIgnored, git, add, problems, opts.readdir ?? fs.readdir);
      } else if (code === 'ENOENT' || code === 'ENOTDIR') {
        problems.push({ code: 'KVE102', file: toPosix(pattern), message: `no such file or directory: ${pattern}` });
      } else {
        problems.push({ code: 'KVE301', file: toPosix(pattern), message: `cannot read ${pattern}: ${osReason(err)}` });
      }
      continue;
    }
    if (st.isDirectory()) {
      const problemsBefore = problems.length;
      const real = await realpath(abs).catch(() => abs);
      skipped.any = false;
      const count = await walk(abs, cwd, kvlintIgnored, git ? { git, top: git.topFor(abs), skipped } : undefined, add, problems, new Set([real]));
      if (count === 0 && problems.length === problemsBefore) {
        const why = skipped.any ? '; some were skipped as ignored (.gitignore, .kvlintignore): --no-ignore checks them' : '';
        problems.push({
          code: 'KVE102',
          file: toRel(cwd, abs),
          message: `no input files in ${toRel(cwd, abs)} (looked for ${KNOWN_EXTENSIONS.join(' ')}${why})`,
        });
      }
    } else {
      add(abs, true);
    }
  }
  const files = [...found.values()].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const maxFiles = opts.maxFiles ?? DEFAULT_LIMITS.maxFiles;
  if (files.length > maxFiles) {
    const n = (x: number): string => x.toLocaleString('en-US');
    problems.push({
      code: 'KVE304',
      file: patterns.map(toPosix).join(' '),
      message: `${n(files.length)} input files found, over the ${n(maxFiles)}-file limit (--max-files): checked the first ${n(maxFiles)} in path order, skipped ${n(files.length - maxFiles)} (the last checked is ${files[maxFiles - 1]!.rel})`,
    });
    files.length = maxFiles;
  }
  return { files, problems };
}

async function loadIgnore(cwd: string, ignoreFile: string | undefined, problems: InputProblem[]): Promise<IgnoreMatcher> {
  const file = path.resolve(cwd, ignoreFile ?? DEFAULT_IGNORE_FILE);
  try {
    return compileIgnore(await readFile(file, 'utf8'));
  } catch (err) {
    // Only a named ignore file must exist; the default one is optional.
    if (ignoreFile !== undefined || (err as NodeJS.ErrnoException).code !== 'ENOENT') {
      problems.push({ code: 'KVE301', file: toRel(cwd, file), message: `cannot read ignore file: ${osReason(err)}` });
    }
    return () => false;
  }
}

/**
 * fast-glob, loaded only for a path that does not exist as written (and may be a glob): loading it takes
 * ~15-50 ms, and the pre-commit hook and most CI calls name existing files and directories.
 */
async function fastGlob(): Promise<typeof fg> {
  return (await import('fast-glob')).default;
}

async function expandGlob(
  pattern: string,
  cwd: string,
  ignored: IgnoreMatcher,
  git: GitIgnores | undefined,
  add: (abs: string, explicit: boolean) => void,
  problems: InputProblem[],
  readdir: typeof fs.readdir,
): Promise<void> {
  let matches: fg.Entry[];
  // fast-glob skips a directory it cannot read without a word (suppressErrors), and turning that off
  // aborts the whole glob on the first one. So the walk keeps going and its readdir reports each failure.
  const unreadable = new Map<string, unknown>();
  const readdirReporting = ((dir: string, ...rest: unknown[]) => {
    const cb = rest.pop() as (err: NodeJS.ErrnoException | null, entries?: unknown) => void;
    const done = (err: NodeJS.ErrnoException | null, entries?: unknown): void => {
      if (err && err.code !== 'ENOENT') unreadable.set(dir, err);
      cb(err, entries);
    };
    (readdir as (...a: unknown[]) => void)(dir, ...rest, done);
  }) as unknown as typeof fs.readdir;
  try {
    matches = await (await fastGlob())(toPosix(pattern), {
      cwd,
      absolute: true,
      // files and links: a link is never followed, but one that loops is worth reporting
      onlyFiles: false,
      objectMode: true,
      dot: true,
      followSymbolicLinks: false,
      suppressErrors: true,
      ignore: ['**/node_modules/**', '**/.git/**'],
      fs: { readdir: readdirReporting },
    });
  } catch (err) {
    problems.push({ code: 'KVE101', file: toPosix(pattern), message: `invalid glob ${pattern}: ${osReason(err)}` });
    return;
  }
  for (const [dir, err] of [...unreadable].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const rel = toRel(cwd, dir);
    problems.push({ code: 'KVE301', file: rel, message: `cannot read directory ${rel}: ${osReason(err)}; the glob ${pattern} skipped it` });
  }
  matches.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  let kept = 0;
  for (const m of matches) {
    const abs = path.resolve(m.path);
    const rel = toRel(cwd, abs);
    if (m.dirent.isSymbolicLink()) {
      await reportLinkLoop(abs, rel, ancestorsOf(abs), problems);
      continue;
    }
    if (!m.dirent.isFile()) continue;
    if (ignored(rel, false)) continue;
    if (git && (await git.ignoredUnder(cwd, abs, false))) continue;
    add(abs, true);
    kept++;
  }
  if (kept === 0) problems.push({ code: 'KVE102', file: toPosix(pattern), message: `no files matched ${pattern}` });
}

async function walk(
  dir: string,
  cwd: string,
  ignored: IgnoreMatcher,
  git: { git: GitIgnores; top: string; skipped: { any: boolean } } | undefined,
  add: (abs: string, explicit: boolean) => void,
  problems: InputProblem[],
  ancestors: Set<string>,
): Promise<number> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    problems.push({ code: 'KVE301', file: toRel(cwd, dir), message: `cannot read directory ${toRel(cwd, dir)}: ${osReason(err)}` });
    return 0;
  }
  // the listing says whether this folder has a .gitignore: no read of a missing one per folder
  const levels = git ? await git.git.stackFor(dir, git.top, entries.some((e) => e.name === '.gitignore' && !e.isDirectory())) : [];
  const gitIgnored = (abs: string, isDir: boolean): boolean => levels.length > 0 && GitIgnores.decide(levels, abs, isDir);
  let count = 0;
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const abs = path.join(dir, e.name);
    const rel = toRel(cwd, abs);
    if (e.isSymbolicLink()) {
      await reportLinkLoop(abs, rel, ancestors, problems);
      continue;
    }
    if (e.isDirectory()) {
      if (ALWAYS_SKIPPED.has(e.name)) continue;
      if (ignored(rel, true) || gitIgnored(abs, true)) {
        if (git) git.skipped.any = true;
        continue;
      }
      const real = await realpath(abs).catch(() => abs);
      if (ancestors.has(real)) {
        problems.push({ code: 'KVE301', file: rel, message: `directory loop at ${rel}; not walked again` });
        continue;
      }
      const next = new Set(ancestors);
      next.add(real);
      count += await walk(abs, cwd, ignored, git, add, problems, next);
    } else if (e.isFile()) {
      if (!hasKnownExtension(e.name)) continue;
      if (ignored(rel, false) || gitIgnored(abs, false)) {
        if (git) git.skipped.any = true;
        continue;
      }
      add(abs, false);
      count++;
    }
  }
  return count;
}

/** Links are never followed during a walk; one that points at a directory being walked is a loop worth saying. */
async function reportLinkLoop(abs: string, rel: string, ancestors: Set<string>, problems: InputProblem[]): Promise<void> {
  try {
    const target = await realpath(abs);
    if (ancestors.has(target)) {
      problems.push({ code: 'KVE301', file: rel, message: `symbolic link loop at ${rel} (points back to a parent directory); not followed` });
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') {
      problems.push({ code: 'KVE301', file: rel, message: `symbolic link loop at ${rel}; not followed` });
    }
    // A dangling link is skipped quietly, as git does.
  }
}

/** The directories that contain `abs`, for telling a link that points back up (a loop) from any other. */
function ancestorsOf(abs: string): Set<string> {
  const out = new Set<string>();
  for (let d = path.dirname(abs); ; d = path.dirname(d)) {
    out.add(d);
    if (path.dirname(d) === d) break;
  }
  return out;
}

/** True for names a directory walk should pick up. */
export function hasKnownExtension(name: string): boolean {
  const lower = name.toLowerCase();
  if (/\.d\.[mc]?ts$/.test(lower)) return false; // type declarations hold no prompt: not walked
  return KNOWN_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function toRel(cwd: string, abs: string): string {
  const rel = toPosix(path.relative(cwd, abs));
  return rel === '' ? '.' : rel;
}
