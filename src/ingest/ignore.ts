// A gitignore matcher for .gitignore and .kvlintignore files: comments, negation, directory-only and
// anchored patterns.

/** One compiled line of an ignore file. */
interface IgnoreRule {
  regex: RegExp;
  negate: boolean;
  dirOnly: boolean;
}

/** Decides whether a path (relative to the ignore file's folder, POSIX separators) is ignored. */
export type IgnoreMatcher = (rel: string, isDir: boolean) => boolean;

/**
 * What one ignore file says about a path relative to its folder: true (ignored), false (re-included by a
 * `!` pattern) or undefined (no pattern matches; a shallower ignore file decides). The last matching
 * pattern wins, as in git. Says nothing about the path's ancestors.
 */
export type IgnoreVerdict = (rel: string, isDir: boolean) => boolean | undefined;

/**
 * Compiles the text of an ignore file. Rules follow gitignore: `#` starts a comment, `!` re-includes,
 * a trailing `/` matches directories only, a pattern without an inner `/` matches at any depth, `**`
 * spans directories. As in git, a file inside an ignored directory cannot be re-included.
 */
export function compileIgnore(text: string): IgnoreMatcher {
  const matchOne = compileIgnoreVerdict(text);
  return (rel: string, isDir: boolean): boolean => {
    const parts = rel.split('/').filter((p) => p !== '' && p !== '.');
    // An ignored ancestor directory wins over anything said about the path itself.
    for (let i = 1; i < parts.length; i++) {
      if (matchOne(parts.slice(0, i).join('/'), true) === true) return true;
    }
    return matchOne(parts.join('/'), isDir) === true;
  };
}

/** The patterns of one ignore file as an {@link IgnoreVerdict}. */
export function compileIgnoreVerdict(text: string): IgnoreVerdict {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n|\r/)) {
    let line = raw.replace(/(?<!\\)\s+$/, '');
    if (line === '' || line.startsWith('#')) continue;
    let negate = false;
    if (line.startsWith('!')) {
      negate = true;
      line = line.slice(1);
    } else if (line.startsWith('\\!') || line.startsWith('\\#')) {
      line = line.slice(1);
    }
    let dirOnly = false;
    if (line.endsWith('/')) {
      dirOnly = true;
      line = line.replace(/\/+$/, '');
    }
    if (line === '') continue;
    const anchored = line.includes('/');
    line = line.replace(/^\//, '');
    const body = globToRegex(line);
    rules.push({ regex: new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`), negate, dirOnly });
  }
  return (rel: string, isDir: boolean): boolean | undefined => {
    let verdict: boolean | undefined;
    for (const r of rules) {
      if (r.dirOnly && !isDir) continue;
      if (r.regex.test(rel)) verdict = !r.negate;
    }
    return verdict;
  };
}

/** Translates one gitignore glob into a regular-expression body (no anchors). */
function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        const slashAfter = glob[i + 2] === '/';
        if (atStart && slashAfter) {
          out += '(?:.*/)?';
          i += 2;
        } else if (atStart && i + 2 === glob.length) {
          out += '.*';
          i += 1;
        } else {
          out += '[^/]*';
          i += 1;
        }
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) {
        out += '\\[';
      } else {
        let cls = glob.slice(i + 1, close);
        if (cls.startsWith('!')) cls = '^' + cls.slice(1);
        out += `[${cls.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else if (c === '\\' && i + 1 < glob.length) {
      out += escapeRegex(glob[i + 1] as string);
      i++;
    } else {
      out += escapeRegex(c);
    }
  }
  return out;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
