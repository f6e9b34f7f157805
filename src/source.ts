// Positions: building a SourceFile's line index and mapping segment offsets back to file line/column.
import type { SourceAnchors, SourceFile, Segment } from './model.js';

/** Offsets at which each line of `text` starts (line 1 starts at 0). Handles \n, \r\n and lone \r. */
export function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

/** Builds a SourceFile from decoded text, stripping (and remembering) a leading BOM. */
export function makeSourceFile(path: string, text: string, absPath?: string): SourceFile {
  const bom = text.charCodeAt(0) === 0xfeff;
  const body = bom ? text.slice(1) : text;
  const file: SourceFile = { path, text: body, lineStarts: computeLineStarts(body), bom };
  if (absPath !== undefined) file.absPath = absPath;
  return file;
}

/** 1-based line and column of a source offset (column counts UTF-16 units, as editors and SARIF do). */
export function positionAt(file: SourceFile, offset: number): { line: number; column: number } {
  const starts = file.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
}

/** Maps an offset in a segment's text to an offset in its source file, or undefined without anchors. */
export function sourceOffset(anchors: SourceAnchors | undefined, textOffset: number): number | undefined {
  if (!anchors || anchors.length === 0) return undefined;
  let lo = 0;
  let hi = anchors.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((anchors[mid]?.[0] ?? 0) <= textOffset) lo = mid;
    else hi = mid - 1;
  }
  const [a, s] = anchors[lo] ?? [0, 0];
  return s + Math.max(0, textOffset - a);
}

/** 1-based line/column in the file of an offset in a segment's text; line 1 column 1 when unmapped. */
export function segmentPosition(file: SourceFile, seg: Segment, textOffset: number): { line: number; column: number } {
  const off = sourceOffset(seg.anchors, textOffset);
  return off === undefined ? { line: 1, column: 1 } : positionAt(file, Math.min(off, file.text.length));
}

/**
 * Anchors for a string whose source is a slice of the file at `start` (no escapes): one anchor.
 */
export function sliceAnchors(start: number): SourceAnchors {
  return [[0, start]];
}
