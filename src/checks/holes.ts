// Template holes of a segment and the words their expressions name. Checks match volatile-looking
// names against those words, so `currentDateTime`, `current_date_time` and `runtime_info.date` read alike.
import type { Placeholder, PromptDoc, Segment } from '../model.js';

/** Syntaxes whose parser cannot know the holes: a .txt or .md file may be the body of a code template. */
export const PLAIN_SYNTAXES: ReadonlySet<string> = new Set(['text', 'markdown']);

// `${expr}` (JS template literal), `{{expr}}` (mustache-likes), `{identifier}` (Python str.format; not
// inside a URL path such as /artifact/{uuid}, which documents a route rather than rendering a value, nor
// a code fence's info string such as ```{latex}, nor a TeX superscript x^{n}).
const FALLBACK_HOLE = /\$\{([^{}\n]{1,80})\}|\{\{\s*([^{}\n]{1,80}?)\s*\}\}|(?<![{$\\/`^~])\{([A-Za-z_][\w.]{0,60})\}(?![}/])/g;

/**
 * The holes of a segment: the parser's placeholders when it listed them; for plain-text formats whose
 * parser listed none, holes found by a conservative scan (`${…}`, `{{…}}`, `{identifier}`), because a
 * system prompt in a .txt file is often the body of a template literal or an f-string.
 * Only checks that match the hole's expression against volatile names use the scan.
 */
export function segmentHoles(doc: PromptDoc, seg: Segment): Placeholder[] {
  if (seg.placeholders && seg.placeholders.length > 0) return seg.placeholders.filter((h) => !isRouteTemplate(seg, h));
  if (!PLAIN_SYNTAXES.has(doc.syntax) || seg.level === 'tools') return seg.placeholders ?? [];
  const out: Placeholder[] = [];
  FALLBACK_HOLE.lastIndex = 0;
  for (const m of seg.text.matchAll(FALLBACK_HOLE)) {
    const expr = (m[1] ?? m[2] ?? m[3] ?? '').trim();
    if (!expr) continue;
    out.push({ start: m.index, end: m.index + m[0].length, expr, kind: 'variable' });
  }
  return out;
}

/**
 * An expression as lower-case words joined by single spaces: identifiers split at non-alphanumerics and
 * camelCase boundaries. `os.homedir().toPosix()` → `os homedir to posix`; `currentDateTime` → `current date time`.
 */
export function exprWords(expr: string): string {
  return expr
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .join(' ');
}

/** True when [start, end) overlaps any hole. */
export function overlapsHole(holes: readonly Placeholder[], start: number, end: number): boolean {
  return holes.some((h) => start < h.end && end > h.start);
}

/** The whole tag of a hole as written in the segment text (e.g. `{{ now }}`). */
export function holeTag(seg: Segment, h: Placeholder): string {
  return seg.text.slice(h.start, h.end);
}

/**
 * True for a single-brace hole inside a URL path (`/triggers/{trigger_id}`): in prose that documents an
 * API route, not a value rendered into the prompt.
 */
export function isRouteTemplate(seg: Segment, h: Placeholder): boolean {
  return seg.text[h.start] === '{' && seg.text[h.start + 1] !== '{' && seg.text[h.start - 1] === '/';
}
