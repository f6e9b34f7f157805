// Every limit kvlint applies to its inputs, with its default, in one place. A limit exists so that one
// hostile or accidental input (a 300 MB single-line export, a 10,000-deep document, a YAML alias bomb, a
// glob that matches a whole disk) is reported and skipped in seconds instead of exhausting memory, the
// stack or the user's patience. docs/limits.md lists the same numbers; a test keeps the two
// in step. No parser is imported here: the log reader thread loads this module (see ./input-depth.ts).

export interface Limits {
  /** largest template or tool file read whole, in bytes (`--max-file-size`) */
  maxFileBytes: number;
  /** largest log that must be parsed whole (YAML cassettes, JSON span arrays, HAR), after gunzip */
  maxDocumentBytes: number;
  /** longest line of a streamed log, in bytes (`--max-line-size`); the rest of a longer line is discarded */
  maxLineBytes: number;
  /** deepest nesting of `[`/`{` (or YAML flow and block-sequence levels) in a JSON or YAML input (`--max-depth`) */
  maxDepth: number;
  /** most input files one run checks (`--max-files`); the rest are reported, not silently dropped */
  maxFiles: number;
  /**
   * YAML aliases: the nodes they add when expanded may be at most this many times the document's own
   * nodes (or `aliasExpansionFloor`, whichever is more). Real exports reuse blocks (headers, cache
   * markers) a few hundred times and add a fraction of their own size; a billion-laughs bomb of a few
   * dozen nodes adds millions.
   */
  aliasExpansionRatio: number;
  /** nodes aliases may add to any document, however small (one block reused many times) */
  aliasExpansionFloor: number;
  /** nodes aliases may add to any document, however large: bounds the walk over the expanded document */
  aliasExpansionCeiling: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxFileBytes: 10 * 1024 * 1024,
  maxDocumentBytes: 256 * 1024 * 1024,
  maxLineBytes: 64 * 1024 * 1024,
  maxDepth: 1000,
  maxFiles: 10_000,
  aliasExpansionRatio: 10,
  aliasExpansionFloor: 10_000,
  aliasExpansionCeiling: 5_000_000,
});

/** The defaults with the given overrides (undefined entries keep the default). */
export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  const out: Limits = { ...DEFAULT_LIMITS };
  for (const k of Object.keys(out) as Array<keyof Limits>) {
    const v = overrides[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** Human size: `64 MiB`, `10 KiB`, `512 bytes`. */
export function formatSize(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1).replace(/\.0$/, '')} KiB`;
  return `${n} bytes`;
}

/** Where a text first nests deeper than a limit: 1-based line and the depth reached there. */
export interface DepthExcess {
  line: number;
  depth: number;
}

/**
 * Scans JSON or YAML text for nesting deeper than `max`, without parsing it (so without recursion): the
 * parsers and every walker after them recurse once per level, and a 10,000-deep document would overflow
 * the stack or take quadratic time. Counts `[`/`{` outside quoted strings and comments, and YAML
 * compact block sequences (`- - - x`), which nest one level per dash. Block mappings nest by indentation,
 * which costs at least one byte per level per line, so the file-size limit already bounds them.
 * Returns undefined when the text stays within the limit. Linear time, constant memory.
 */
export function findExcessDepth(text: string, max: number): DepthExcess | undefined {
  let depth = 0;
  let line = 1;
  let quote = 0; // 0, or the char code of the open quote (" or ')
  let lineStart = true;
  let dashes = 0; // compact block-sequence dashes at the start of the current line
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = true;
      dashes = 0;
      // a YAML quoted scalar may span lines; a JSON one may not, and a stray quote must not blind the scan
      continue;
    }
    if (quote !== 0) {
      if (c === 92 && quote === 34) i++; // backslash escape inside "…"
      else if (c === quote) quote = 0;
      continue;
    }
    if (lineStart) {
      if (c === 32 || c === 9) continue;
      if (c === 45 && (text.charCodeAt(i + 1) === 32 || text.charCodeAt(i + 1) === 10)) {
        dashes++;
        if (depth + dashes > max) return { line, depth: depth + dashes };
        i++;
        continue;
      }
      lineStart = false;
    }
    if (c === 34 || c === 39) {
      // an apostrophe inside a plain YAML word (don't) is not a quote
      const prev = i > 0 ? text.charCodeAt(i - 1) : 32;
      if (c === 34 || !isWordChar(prev)) quote = c;
    } else if (c === 35) {
      // `#` starts a YAML comment only after whitespace (or at the start of a line)
      const prev = i > 0 ? text.charCodeAt(i - 1) : 32;
      if (prev === 32 || prev === 9 || prev === 10) {
        const nl = text.indexOf('\n', i);
        if (nl === -1) break;
        i = nl - 1;
      }
    } else if (c === 91 || c === 123) {
      depth++;
      if (depth + dashes > max) return { line, depth: depth + dashes };
    } else if (c === 93 || c === 125) {
      if (depth > 0) depth--;
    }
  }
  return undefined;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127;
}

/**
 * True when a parsed JSON value nests deeper than `max` arrays/objects. Iterative (an explicit stack), so
 * it cannot overflow itself; it visits containers only, never string contents, so it costs far less than
 * the JSON.parse that built the value. Used on streamed log records, where scanning every line's text
 * would slow the common case.
 */
export function valueDepthExceeds(value: unknown, max: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: Array<[object, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (d > max) return true;
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    for (const c of children) if (c !== null && typeof c === 'object') stack.push([c, d + 1]);
  }
  return false;
}

/** Inputs whose text is JSON or YAML (by extension, or by a leading `{`/`[`), so nesting means something. */
export function isStructuredInput(path: string, text: string): boolean {
  if (/\.(json|jsonl|ndjson|ya?ml|snap|prompt|prompty|har)$/i.test(path)) return true;
  const head = text.trimStart();
  return head.startsWith('{') || head.startsWith('[');
}
