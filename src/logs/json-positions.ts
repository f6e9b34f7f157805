// Line numbers of the elements of a JSON array (top level, or under one top-level key) without a second
// parser: one pass that tracks strings and nesting depth.

/**
 * 1-based line of each element of the top-level array, or of the array under top-level key `key`.
 * Returns [] when the text is not shaped that way.
 */
export function arrayElementLines(text: string, key?: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let targetDepth = key === undefined ? 1 : -1;
  let expectValue = key === undefined;
  let lastKey: string | undefined;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      i++;
      continue;
    }
    if (c === 34) {
      // string
      const start = i + 1;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92) i += 2;
        else if (d === 34) break;
        else {
          if (d === 10) line++;
          i++;
        }
      }
      const s = text.slice(start, i);
      i++;
      if (depth === targetDepth && expectValue) {
        lines.push(line);
        expectValue = false;
      } else if (key !== undefined && depth === 1) lastKey = s;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) {
      i++;
      continue;
    }
    if (c === 123 || c === 91) {
      // { or [
      if (depth === targetDepth && expectValue) {
        lines.push(line);
        expectValue = false;
      }
      depth++;
      if (key !== undefined && c === 91 && depth === 2 && lastKey === key && targetDepth === -1) {
        targetDepth = 2;
        expectValue = true;
      }
      if (depth === 1 && key === undefined && c !== 91) return [];
      i++;
      continue;
    }
    if (c === 125 || c === 93) {
      if (depth === targetDepth && key !== undefined) targetDepth = -2; // the target array closed
      depth--;
      i++;
      continue;
    }
    if (c === 44) {
      if (depth === targetDepth) expectValue = true;
      i++;
      continue;
    }
    if (c === 58) {
      i++;
      continue;
    }
    // number, true, false, null
    if (depth === targetDepth && expectValue) {
      lines.push(line);
      expectValue = false;
    }
    i++;
  }
  return lines;
}

/** One top-level item of a JSON document, with the line it starts on. */
export interface DocumentItem {
  value: unknown;
  line: number;
}

/**
 * A whole JSON document as items: the elements of a top-level array (each with its line), or the single
 * top-level value (line 1). A syntax error comes back as the message of one malformed record at line 1.
 */
export function documentItems(text: string): { items: DocumentItem[] } | { error: string } {
  let js: unknown;
  try {
    js = JSON.parse(text);
  } catch (e) {
    return { error: `JSON error: ${(e as Error).message}` };
  }
  if (!Array.isArray(js)) return { items: [{ value: js, line: 1 }] };
  const lines = arrayElementLines(text);
  return { items: js.map((value, i) => ({ value, line: lines[i] ?? 1 })) };
}
