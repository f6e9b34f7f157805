// Exact source edits from segment offsets: an edit is offered only where the segment text is a verbatim
// copy of the source (a JSON string with escapes maps elsewhere, and then no fix is offered).
import type { Fix, Segment, SourceFile } from '../model.js';
import { sourceOffset } from '../source.js';

/**
 * The source edit replacing segment text [start, end) with `text`, or undefined when that range of the
 * segment is not byte-for-byte the same range of the file.
 */
export function exactEdit(file: SourceFile, seg: Segment, start: number, end: number, text: string): Fix | undefined {
  const s = sourceOffset(seg.anchors, start);
  const e = sourceOffset(seg.anchors, end);
  if (s === undefined || e === undefined) return undefined;
  const original = seg.text.slice(start, end);
  // An escape or a fold inside the range makes the source span longer or different: no exact edit.
  if (e - s !== original.length || file.text.slice(s, e) !== original) return undefined;
  return { start: s, end: s + original.length, text };
}

/** All edits, or undefined when any one of them cannot be made exactly (a partial fix would mislead). */
export function allExact(edits: Array<Fix | undefined>): Fix[] | undefined {
  if (edits.length === 0 || edits.some((e) => e === undefined)) return undefined;
  return edits as Fix[];
}
