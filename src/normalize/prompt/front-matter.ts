// Splitting `---` YAML front matter (Dotprompt, Prompty) from a template body.
import type { SourceFile } from '../../model.js';
import { malformed } from './fail.js';

/** Offsets of the front matter's YAML and of the body in the file text. */
export interface FrontMatter {
  yamlStart: number;
  yamlEnd: number;
  bodyStart: number;
  /** offset where the opening `---` line starts (after any header comment lines) */
  openAt: number;
}

const FENCE = /^---[ \t]*(?:\r?\n|\r|$)/;
const CLOSE = /^(?:---|\.\.\.)[ \t]*$/m;

/**
 * Finds front matter at the top of the file. With `allowHeaderComments`, `#` lines and blank lines
 * before the opening `---` are skipped (license headers in Dotprompt samples). An opening fence without
 * a closing one throws KVE306.
 */
export function splitFrontMatter(file: SourceFile, allowHeaderComments = false): FrontMatter | undefined {
  const text = file.text;
  let pos = 0;
  if (allowHeaderComments) {
    const re = /[ \t]*(?:#[^\r\n]*)?(?:\r?\n|\r)/y;
    for (;;) {
      re.lastIndex = pos;
      const m = re.exec(text);
      if (!m || m[0].length === 0) break;
      pos += m[0].length;
    }
  }
  const open = FENCE.exec(text.slice(pos, pos + 8));
  if (!open) return undefined;
  const yamlStart = pos + open[0].length;
  CLOSE.lastIndex = 0;
  const rest = text.slice(yamlStart);
  const close = CLOSE.exec(rest);
  if (!close) throw malformed(file, pos, 'front matter opened with `---` is never closed');
  const yamlEnd = yamlStart + close.index;
  let bodyStart = yamlEnd + close[0].length;
  if (text[bodyStart] === '\r') bodyStart++;
  if (text[bodyStart] === '\n') bodyStart++;
  return { yamlStart, yamlEnd, bodyStart, openAt: pos };
}
