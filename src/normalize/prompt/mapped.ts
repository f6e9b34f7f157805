// Operations on text that carries a map back to source offsets: slicing, joining, composing maps.
import { sourceOffset } from '../../source.js';
import type { Placeholder } from '../../model.js';
import type { MappedText, ScannedText } from './types.js';

/** Text cut straight out of the source at `start`. */
export function fromSlice(text: string, start: number): MappedText {
  return { text, anchors: [[0, start]] };
}

/** Appends an anchor, dropping ones made redundant (same text offset, or already implied by the last). */
export function pushAnchor(anchors: Array<[number, number]>, textOffset: number, sourceOffset: number): void {
  const last = anchors[anchors.length - 1];
  if (last) {
    if (last[0] === textOffset) {
      last[1] = sourceOffset;
      // The replaced anchor may now be implied by the one before it.
      const prev = anchors[anchors.length - 2];
      if (prev && prev[1] + (textOffset - prev[0]) === sourceOffset) anchors.pop();
      return;
    }
    if (last[1] + (textOffset - last[0]) === sourceOffset) return;
  }
  anchors.push([textOffset, sourceOffset]);
}

/** Maps a text offset through anchors: source.ts `sourceOffset`, with no anchors meaning identity. */
export function mapOffset(anchors: ReadonlyArray<readonly [number, number]>, t: number): number {
  return sourceOffset(anchors, t) ?? t;
}

/**
 * Composes two maps: `outer` maps output offsets to offsets in an intermediate text, `inner` maps that
 * intermediate text to the source. The result maps output offsets straight to the source.
 */
export function composeAnchors(
  outer: ReadonlyArray<readonly [number, number]>,
  inner: ReadonlyArray<readonly [number, number]>,
  outLength: number,
): Array<[number, number]> {
  const result: Array<[number, number]> = [];
  const pieces = outer.length > 0 ? outer : [[0, 0] as const];
  for (let i = 0; i < pieces.length; i++) {
    const [o, m] = pieces[i] as readonly [number, number];
    const oEnd = i + 1 < pieces.length ? (pieces[i + 1] as readonly [number, number])[0] : outLength;
    pushAnchor(result, o, mapOffset(inner, m));
    // Every inner anchor falling inside this piece's intermediate range becomes an output anchor too.
    const mEnd = m + (oEnd - o);
    for (const [ia, is] of inner) {
      if (ia > m && ia < mEnd) pushAnchor(result, o + (ia - m), is);
    }
  }
  return result;
}

/** A slice [start, end) of mapped text, anchors rebased to the slice. */
export function sliceMapped(src: MappedText, start: number, end: number): MappedText {
  const anchors: Array<[number, number]> = [];
  pushAnchor(anchors, 0, mapOffset(src.anchors, start));
  for (const [a, s] of src.anchors) {
    if (a > start && a < end) pushAnchor(anchors, a - start, s);
  }
  return { text: src.text.slice(start, end), anchors };
}

/** A slice of scanned text, keeping the placeholders that lie wholly inside it (rebased). */
export function sliceScanned(src: ScannedText, start: number, end: number): ScannedText {
  const m = sliceMapped(src, start, end);
  const placeholders: Placeholder[] = src.placeholders
    .filter((p) => p.start >= start && p.end <= end)
    .map((p) => ({ ...p, start: p.start - start, end: p.end - start }));
  return { ...m, placeholders };
}

/** The [start, end) range of `text` without leading and trailing whitespace. */
export function trimRange(text: string, start = 0, end = text.length): [number, number] {
  let s = start;
  let e = end;
  while (s < e && /\s/.test(text[s] as string)) s++;
  while (e > s && /\s/.test(text[e - 1] as string)) e--;
  return [s, e];
}

/** Scanned text trimmed of surrounding whitespace. */
export function trimScanned(src: ScannedText): ScannedText {
  const [s, e] = trimRange(src.text);
  return sliceScanned(src, s, e);
}

/**
 * Replaces [start, end) of scanned text with other mapped text (e.g. a LangChain partial variable's
 * value, mapped to where that value is written). Placeholders inside the range go; later ones shift.
 */
export function spliceMapped(src: ScannedText, start: number, end: number, insert: MappedText): ScannedText {
  const delta = insert.text.length - (end - start);
  const anchors: Array<[number, number]> = [];
  for (const [a, s] of src.anchors) {
    if (a < start) pushAnchor(anchors, a, s);
  }
  pushAnchor(anchors, start, mapOffset(src.anchors, start));
  for (const [a, s] of insert.anchors) pushAnchor(anchors, start + a, s);
  pushAnchor(anchors, start + insert.text.length, mapOffset(src.anchors, end));
  for (const [a, s] of src.anchors) {
    if (a > end) pushAnchor(anchors, a + delta, s);
  }
  const placeholders = src.placeholders
    .filter((p) => p.end <= start || p.start >= end)
    .map((p) => (p.start >= end ? { ...p, start: p.start + delta, end: p.end + delta } : p));
  return { text: src.text.slice(0, start) + insert.text + src.text.slice(end), anchors, placeholders };
}
