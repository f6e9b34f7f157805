// The depth and alias-bomb check of a template or tool file read whole (KVE306). Apart from ./limits.ts
// because it needs the YAML parser, which the modules that only want a limit's default (the log reader
// thread among them) should not load.
import { aliasProblem, yaml } from './yaml.js';
import { DEFAULT_LIMITS, findExcessDepth, isStructuredInput, type Limits } from './limits.js';

/**
 * The KVE306 problem for a JSON/YAML input that is nested deeper than `maxDepth` or is a YAML alias bomb
 * (aliases that add more nodes than the limits allow, see aliasProblem), or undefined. Run before any format detection, so such a
 * file is reported as malformed, with its line, rather than as an unknown format.
 */
export function depthProblem(
  file: string,
  text: string,
  maxDepth: number,
  limits: Pick<Limits, 'aliasExpansionRatio' | 'aliasExpansionFloor' | 'aliasExpansionCeiling'> = DEFAULT_LIMITS,
): { code: 'KVE306'; file: string; line: number; message: string } | undefined {
  if (!isStructuredInput(file, text)) return undefined;
  const deep = findExcessDepth(text, maxDepth);
  if (deep) {
    return {
      code: 'KVE306',
      file,
      line: deep.line,
      message: `${file}:${deep.line}: malformed: nested more than ${maxDepth} levels deep (--max-depth); not parsed`,
    };
  }
  if (/\.ya?ml$/i.test(file) && mayHoldAliases(text)) {
    const doc = yaml().parseDocument(text, { uniqueKeys: false, strict: false });
    if (doc.errors.length === 0) {
      const bomb = aliasProblem(doc, limits);
      if (bomb) {
        const line = text.slice(0, bomb.offset + 1).split('\n').length;
        return { code: 'KVE306', file, line, message: `${file}:${line}: malformed: ${bomb.message}` };
      }
    }
  }
  return undefined;
}

/** Could this YAML text hold aliases at all (`*name` after space, `[`, `{`, `,` or `:`)? Cheap pre-check. */
export function mayHoldAliases(text: string): boolean {
  return text.includes('&') && /(?:^|[\s[{,:])\*[^\s,\]}]/m.test(text);
}
