// .gitignore files as git reads them, for directory walks and globs: every .gitignore from the repository
// root down to a file's folder, a deeper file's patterns overriding a shallower one's, and the
// repository's .git/info/exclude below them all. The user's global excludes file (core.excludesFile) is
// not read: it would need git's config, and a CI checkout has none.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { InputProblem } from '../errors.js';
import { compileIgnoreVerdict, type IgnoreVerdict } from './ignore.js';
import { osReason } from './read.js';

/** One ignore file in force: the folder its patterns are relative to, and what they say. */
interface Level {
  base: string;
  verdict: IgnoreVerdict;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** True when `child` is `parent` or inside it. */
function within(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export class GitIgnores {
  /** the ignore files in force in a folder, shallowest first */
  private readonly stacks = new Map<string, Promise<Level[]>>();
  private readonly roots = new Map<string, string | null>();

  constructor(
    private readonly cwd: string,
    private readonly problems: InputProblem[],
  ) {}

  /**
   * The folder a repository's ignore files start from: the nearest one at or above `dir` holding `.git`
   * (a folder, or a worktree's file). null outside a repository: then .gitignore files are still read
   * (as Ruff does), from the folder the walk or glob starts in downwards.
   */
  repositoryRoot(dir: string): string | null {
    const cached = this.roots.get(dir);
    if (cached !== undefined) return cached;
    const parent = path.dirname(dir);
    const root = existsSync(path.join(dir, '.git')) ? dir : parent === dir ? null : this.repositoryRoot(parent);
    this.roots.set(dir, root);
    return root;
  }

  /**
   * The ignore files in force in `dir`, shallowest first: those of its parent (up to `top`, the repository
   * root or the start of the walk), then its own .gitignore. `hasGitignore` says whether the folder holds
   * one, when the caller has just listed it (a walk), to spare a read of a missing file per folder.
   */
  stackFor(dir: string, top: string, hasGitignore?: boolean): Promise<Level[]> {
    const key = `${top}\0${dir}`;
    let stack = this.stacks.get(key);
    if (!stack) {
      stack = this.buildStack(dir, top, hasGitignore);
      this.stacks.set(key, stack);
    }
    return stack;
  }

  private async buildStack(dir: string, top: string, hasGitignore: boolean | undefined): Promise<Level[]> {
    const parent = path.dirname(dir);
    let levels: Level[];
    if (dir === top || parent === dir || !within(top, dir)) {
      levels = [];
      const exclude = await this.read(path.join(dir, '.git', 'info', 'exclude'));
      if (exclude) levels.push({ base: dir, verdict: exclude });
    } else {
      levels = [...(await this.stackFor(parent, top))];
    }
    const own = hasGitignore === false ? undefined : await this.read(path.join(dir, '.gitignore'));
    if (own) levels.push({ base: dir, verdict: own });
    return levels;
  }

  private async read(file: string): Promise<IgnoreVerdict | undefined> {
    try {
      return compileIgnoreVerdict(await readFile(file, 'utf8'));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        this.problems.push({ code: 'KVE301', file: toPosix(path.relative(this.cwd, file)) || file, message: `cannot read ignore file: ${osReason(err)}` });
      }
      return undefined;
    }
  }

  /** What the ignore files in force say about `abs` itself, the deepest file with a matching pattern deciding. */
  static decide(levels: readonly Level[], abs: string, isDir: boolean): boolean {
    for (let i = levels.length - 1; i >= 0; i--) {
      const level = levels[i]!;
      const v = level.verdict(toPosix(path.relative(level.base, abs)), isDir);
      if (v !== undefined) return v;
    }
    return false;
  }

  /** The folder ignore files are read from for a walk or glob starting at `start`. */
  topFor(start: string): string {
    return this.repositoryRoot(start) ?? start;
  }

  /**
   * Whether a path found by a glob is ignored: it, or any folder between `start` (where the glob was
   * rooted) and it. A walk checks folders as it enters them and needs only {@link decide}.
   */
  async ignoredUnder(start: string, abs: string, isDir: boolean): Promise<boolean> {
    const top = this.topFor(start);
    const from = within(start, abs) ? start : top;
    const rel = path.relative(from, path.dirname(abs));
    const parts = rel === '' || rel.startsWith('..') ? [] : rel.split(path.sep);
    let dir = from;
    for (const part of parts) {
      const next = path.join(dir, part);
      if (GitIgnores.decide(await this.stackFor(dir, top), next, true)) return true;
      dir = next;
    }
    return GitIgnores.decide(await this.stackFor(path.dirname(abs), top), abs, isDir);
  }
}
