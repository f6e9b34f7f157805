// Word wrapping for human output that must fit a terminal: the stylish table and `kvlint explain`.

/** Width of a string in terminal cells, counting code points (a surrogate pair is one cell). */
export function cellWidth(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Greedy word wrap of one paragraph to lines of at most `width` cells. Runs of spaces between words
 * collapse to one; a word longer than a line (a URL, a long identifier) is cut at the width. Never
 * returns an empty list: an empty text is one empty line.
 */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(1, Math.floor(width));
  const lines: string[] = [];
  let line = '';
  let lineW = 0;
  for (const word of text.split(/ +/)) {
    if (word === '') continue;
    let rest = word;
    let restW = cellWidth(rest);
    if (lineW > 0 && lineW + 1 + restW <= w) {
      line += ` ${rest}`;
      lineW += 1 + restW;
      continue;
    }
    if (lineW > 0) lines.push(line);
    while (restW > w) {
      const cps = [...rest];
      lines.push(cps.slice(0, w).join(''));
      rest = cps.slice(w).join('');
      restW -= w;
    }
    line = rest;
    lineW = restW;
  }
  lines.push(line);
  return lines;
}
