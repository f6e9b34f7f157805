// The depth and alias-bomb check of a template or tool file read whole (KVE306). Apart from ./limits.ts
// because it needs the YAML parser, which the modules that only want a limit's default (the log reader
// thread among them) should not load.
import { yaml } from './yaml.js';
import { DEFAULT_LIMITS, findExcessDepth, isStructuredInput } from './limits.js';

/**
 * The KVE306 problem for a JSON/YAML input that is nested deeper than `maxDepth` or is a YAML alias bomb
 * (more than `maxAliasCount` alias expansions), or undefined. Run before any format detection, so such a
 * file is reported as malformed, with its line, rather than as an unknown format.
 */
export function depthProblem(
  file: string,
  text: string,
  maxDepth: number,
  maxAliasCount: number = DEFAULT_LIMITS.maxAliasCount,
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
      try {
        doc.toJS({ maxAliasCount });
      } catch (e) {
        if (!/alias/i.test((e as Error).message)) return undefined;
        const at = /(?:^|[\s[{,:])\*[^\s,\]}]/m.exec(text)?.index ?? 0;
        const line = text.slice(0, at + 1).split('\n').length;
        return {
          code: 'KVE306',
          file,
          line,
          message: `${file}:${line}: malformed: YAML aliases expand more than ${maxAliasCount} times; refusing a possible alias bomb`,
        };
      }
    }
  }
  return undefined;
}

/** Could this YAML text hold aliases at all (`*name` after space, `[`, `{`, `,` or `:`)? Cheap pre-check. */
export function mayHoldAliases(text: string): boolean {
  return text.includes('&') && /(?:^|[\s[{,:])\*[^\s,\]}]/m.test(text);
}
