// Glob matching for config `overrides[].files` and `ignores`. Node 20's path.matchesGlob exists but is
// experimental and prints an ExperimentalWarning on stderr the first time it runs, and fast-glob exposes
// no matcher, so kvlint compiles globs itself: `*`, `**`, `?`, `[…]`, `{a,b}` and `\` escapes.

/** Brace expansion beyond this many alternatives is refused: a config glob never needs it. */
const MAX_EXPANSIONS = 1024;

/** Index of the `}` closing the `{` at `open`, honouring nesting and escapes; -1 when unbalanced. */
function closingBrace(glob: string, open: number): number {
  let depth = 0;
  for (let i = open; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\') i++;
    else if (c === '[') {
      const end = classEnd(glob, i);
      if (end !== -1) i = end;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** Splits the inside of a brace group at its top-level commas. */
function splitAlternatives(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

/**
 * Expands `{a,b}` groups (nested too) into plain globs: `src/{a,b/{c,d}}.md` → three globs. A group
 * without a top-level comma (`{a}`) is literal, as in bash.
 */
export function expandBraces(glob: string): string[] {
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      const end = classEnd(glob, i);
      if (end !== -1) i = end;
      continue;
    }
    if (c !== '{') continue;
    const close = closingBrace(glob, i);
    if (close === -1) return [glob];
    const alternatives = splitAlternatives(glob.slice(i + 1, close));
    if (alternatives.length < 2) continue;
    const head = glob.slice(0, i);
    const tails = expandBraces(glob.slice(close + 1));
    const out: string[] = [];
    for (const alt of alternatives) {
      for (const a of expandBraces(alt)) {
        for (const t of tails) {
          out.push(head + a + t);
          if (out.length > MAX_EXPANSIONS) throw new RangeError(`glob '${glob}' expands to more than ${MAX_EXPANSIONS} patterns`);
        }
      }
    }
    return out;
  }
  return [glob];
}

/** Index of the `]` ending the class that starts at `open`, or -1 (then `[` is literal). */
function classEnd(glob: string, open: number): number {
  let i = open + 1;
  if (glob[i] === '!' || glob[i] === '^') i++;
  if (glob[i] === ']') i++; // a `]` first in the class is a member, not the end
  for (; i < glob.length; i++) {
    if (glob[i] === '\\') i++;
    else if (glob[i] === ']') return i;
  }
  return -1;
}

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/]/g;

function escapeRegex(s: string): string {
  return s.replace(REGEX_SPECIAL, '\\$&');
}

/** A character class as a regex: members escaped, ranges kept, never matching `/`. */
function classToRegex(body: string): string {
  let negate = false;
  let i = 0;
  if (body[0] === '!' || body[0] === '^') {
    negate = true;
    i = 1;
  }
  let members = '';
  for (; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '\\' && i + 1 < body.length) {
      members += `\\${body[++i]}`;
    } else if (c === '-' && members !== '' && i + 1 < body.length) {
      members += '-';
    } else {
      members += c === ']' || c === '[' || c === '^' || c === '\\' || c === '-' ? `\\${c}` : c;
    }
  }
  return negate ? `[^/${members}]` : `(?!/)[${members}]`;
}

/** Regex source for one brace-free glob (no anchors). */
function globBodyToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '\\') {
      if (i + 1 < glob.length) out += escapeRegex(glob[++i] as string);
      else out += '\\\\';
    } else if (c === '*') {
      let j = i;
      while (glob[j + 1] === '*') j++;
      const stars = j - i + 1;
      const segmentStart = i === 0 || glob[i - 1] === '/';
      const segmentEnd = j + 1 === glob.length || glob[j + 1] === '/';
      if (stars >= 2 && segmentStart && segmentEnd) {
        if (j + 1 === glob.length) {
          // `dir/**` also matches `dir` itself; a lone `**` matches everything.
          if (out.endsWith('\\/')) out = `${out.slice(0, -2)}(?:\\/.*)?`;
          else out += '.*';
        } else {
          out += '(?:.*\\/)?'; // `**/` spans zero or more directories
          j++; // the slash is part of the group
        }
      } else {
        out += '[^/]*';
      }
      i = j;
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = classEnd(glob, i);
      if (end === -1) out += '\\[';
      else {
        out += classToRegex(glob.slice(i + 1, end));
        i = end;
      }
    } else {
      out += escapeRegex(c);
    }
  }
  return out;
}

/**
 * Removes a leading `./` and repeated slashes, so `./a//b` and `a/b` are the same path. Backslashes are
 * left alone: in a glob they escape, and report paths are POSIX already.
 */
function cleanPath(p: string): string {
  return p.replace(/\/{2,}/g, '/').replace(/^(?:\.\/)+/, '');
}

/**
 * Compiles a glob to an anchored RegExp over POSIX paths. A glob without a `/` matches the base name at
 * any depth (`*.jinja` matches `prompts/a.jinja`), as in .gitignore; a glob with one is anchored at the
 * root of the path (`prompts/*.md`). `*`, `?` and classes never cross `/`; `**` as a whole segment spans
 * directories. Dotfiles are matched like any other name. Throws RangeError on a brace bomb.
 */
export function globToRegExp(glob: string): RegExp {
  const cleaned = cleanPath(glob);
  const anchored = cleaned.includes('/');
  const pattern = cleaned.replace(/^\//, '');
  const bodies = expandBraces(pattern).map(globBodyToRegex);
  const body = bodies.length === 1 ? (bodies[0] as string) : `(?:${bodies.join('|')})`;
  return new RegExp(anchored ? `^${body}$` : `^(?:.*\\/)?${body}$`);
}

/** A compiled list of globs; a leading `!` excludes (a later glob overrides an earlier one). */
export type GlobMatcher = (path: string) => boolean;

/**
 * Compiles globs into one predicate over relative POSIX paths. The last glob that matches decides, so
 * `['prompts/**', '!prompts/legacy/**']` matches prompts except legacy ones. Paths are cleaned of `./`.
 */
export function compileGlobs(globs: readonly string[]): GlobMatcher {
  const compiled = globs.map((g) => {
    const negate = g.startsWith('!');
    return { negate, re: globToRegExp(negate ? g.slice(1) : g) };
  });
  return (path: string): boolean => {
    const p = cleanPath(path);
    let verdict = false;
    for (const { negate, re } of compiled) if (re.test(p)) verdict = !negate;
    return verdict;
  };
}

/** True when `path` matches `glob` (see {@link globToRegExp}). */
export function matchesGlob(path: string, glob: string): boolean {
  return globToRegExp(glob).test(cleanPath(path));
}
