// What the tool checks need from a tool segment: its name, and where a JSON path sits in its text.
import type { PromptDoc, Segment } from '../model.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A tool's name from its definition (Anthropic, OpenAI, MCP, Bedrock shapes), else from its label. */
export function toolName(seg: Segment): string | undefined {
  const v = seg.value;
  if (isRecord(v)) {
    for (const holder of [v, v['function'], v['toolSpec']]) {
      if (isRecord(holder) && typeof holder['name'] === 'string') return holder['name'];
    }
  }
  // Labels look like `tools[3] Bash`.
  const m = /^tools\[\d+\]\s+(.+)$/.exec(seg.label);
  return m?.[1]?.trim() || undefined;
}

/** Tool segments grouped by their `group`, indices in render order. */
export function toolGroups(doc: PromptDoc, selected: readonly number[]): number[][] {
  const groups = new Map<string, number[]>();
  for (const i of selected) {
    const seg = doc.segments[i];
    if (!seg || seg.level !== 'tools') continue;
    const key = seg.group ?? '';
    const list = groups.get(key) ?? [];
    list.push(i);
    groups.set(key, list);
  }
  return [...groups.values()];
}

/**
 * Offset in JSON text of the value at `path` (object keys and array indices), or undefined when the text
 * is not JSON or the path is absent. For an object key, the offset of its key string.
 */
export function locateJsonPath(text: string, path: ReadonlyArray<string | number>): number | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  const str = (): string | undefined => {
    if (text[i] !== '"') return undefined;
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return undefined;
    }
  };
  // Skips one value; returns false on malformed input.
  const skip = (): boolean => {
    ws();
    const c = text[i];
    if (c === '"') return str() !== undefined;
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return true;
      }
      for (;;) {
        if (c === '{') {
          ws();
          if (str() === undefined) return false;
          ws();
          if (text[i++] !== ':') return false;
        }
        if (!skip()) return false;
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === close) {
          i++;
          return true;
        }
        return false;
      }
    }
    const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 40));
    if (!m) return false;
    i += m[0].length;
    return true;
  };
  let at = 0;
  for (const step of path) {
    ws();
    const c = text[i];
    if (typeof step === 'string') {
      if (c !== '{') return undefined;
      i++;
      let found = false;
      for (;;) {
        ws();
        if (text[i] === '}') return undefined;
        const keyAt = i;
        const k = str();
        if (k === undefined) return undefined;
        ws();
        if (text[i++] !== ':') return undefined;
        if (k === step) {
          at = keyAt;
          found = true;
          break;
        }
        if (!skip()) return undefined;
        ws();
        if (text[i] === ',') i++;
      }
      if (!found) return undefined;
    } else {
      if (c !== '[') return undefined;
      i++;
      for (let n = 0; n < step; n++) {
        if (!skip()) return undefined;
        ws();
        if (text[i] !== ',') return undefined;
        i++;
      }
      ws();
      at = i;
    }
  }
  return at;
}

/** Offset of a tool's name key in its segment text (0 when the text is not JSON with a name). */
export function toolNameRange(seg: Segment): { start: number; end: number } {
  for (const path of [['name'], ['function', 'name'], ['toolSpec', 'name']]) {
    const at = locateJsonPath(seg.text, path);
    if (at !== undefined) return { start: at, end: at + path.at(-1)!.length + 2 };
  }
  const name = toolName(seg);
  const at = name ? seg.text.indexOf(name) : -1;
  return at >= 0 && name ? { start: at, end: at + name.length } : { start: 0, end: Math.min(1, seg.text.length) };
}

/** A `.json` file: the only kind `--fix` rewrites structurally (sorting tools and keys); the fixer uses the same test. */
export function isJsonPath(path: string): boolean {
  return /\.json$/i.test(path);
}
