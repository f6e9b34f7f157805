// Compiled regular expressions for check options, memoized: rules compile the same patterns on every file.
const cache = new Map<string, RegExp>();

/** A global, Unicode-aware RegExp for a pattern from a rule's options (validated at rule load). */
export function compile(source: string, ignoreCase = false, multiline = true): RegExp {
  // `d` (match indices) only where a pattern names a `hit` group: it costs a little on every match
  const flags = `gu${ignoreCase ? 'i' : ''}${multiline ? 'm' : ''}${source.includes('(?<hit>') ? 'd' : ''}`;
  const key = `${flags}/${source}`;
  let re = cache.get(key);
  if (!re) {
    re = new RegExp(source, flags);
    cache.set(key, re);
  }
  re.lastIndex = 0;
  return re;
}

/** True when any pattern matches the text. */
export function anyMatch(patterns: readonly string[], text: string, ignoreCase = false): boolean {
  return patterns.some((p) => {
    const re = compile(p, ignoreCase);
    const hit = re.test(text);
    re.lastIndex = 0;
    return hit;
  });
}
