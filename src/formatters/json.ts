// The report as JSON: the same object every other formatter reads, in deterministic form.
import { LazyList } from '../list.js';
import type { Report } from '../report.js';
import { normalizeReport } from './normalize.js';
import type { FormatOptions } from './types.js';

/**
 * The report object, 2-space indented with a trailing newline: findings sorted, keys in a fixed order,
 * paths relative and POSIX, no clock times. Never coloured.
 */
export function formatJson(report: Report, opts: FormatOptions): string {
  return [...formatJsonChunks(report, opts)].join('');
}

/**
 * formatJson in pieces of about CHUNK characters, for writing as they are made: the report of a log
 * with many requests (a timeline entry and a projection row each) runs to hundreds of megabytes, and
 * one string of it, then its UTF-8 copy for the file, was the largest allocation of such a run.
 */
export function* formatJsonChunks(report: Report, opts: FormatOptions): Generator<string> {
  yield* jsonChunks(normalizeReport(report, opts.cwd));
  yield '\n';
}

/** JSON.stringify(value, null, 2) in pieces of about CHUNK characters (value: an object or array). */
export function* jsonChunks(value: object): Generator<string> {
  let buf = '';
  for (const piece of pieces(value, '')) {
    buf += piece;
    if (buf.length >= CHUNK) {
      yield buf;
      buf = '';
    }
  }
  if (buf !== '') yield buf;
}

/**
 * Small enough that a piece is an ordinary young-generation string (V8 puts strings over ~128 KB in its
 * large-object space, freed only by a full collection: 1 MB pieces piled up ~200 MB of garbage while a
 * 540 MB report was written); writeAtomic gathers them into 1 MB writes.
 */
const CHUNK = 1 << 15;
/** Arrays longer than this are written element by element; smaller values in one JSON.stringify. */
const SPLIT = 16;

/** Does `value` hold (within a few levels) an array long enough to be written element by element? */
function isLarge(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== 'object' || depth > 6) return false;
  if (value instanceof LazyList) return value.length > SPLIT;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(value)) {
    if (value.length > SPLIT) return true;
    for (const v of value) if (isLarge(v, depth + 1)) return true;
    return false;
  }
  // for…in, not Object.values: no array per object visited (every entry of a large report is visited)
  for (const k in value) if (isLarge((value as Record<string, unknown>)[k], depth + 1)) return true;
  return false;
}

/** JSON.stringify treats these as absent in an object and as null in an array. */
function isSkipped(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

/** Pieces whose concatenation is JSON.stringify(value, null, 2) at nesting `indent`. */
function* pieces(value: unknown, indent: string): Generator<string> {
  if (isLarge(value)) {
    const inner = `${indent}  `;
    if (Array.isArray(value) || value instanceof LazyList) {
      // a LazyList's items are built here one at a time, and are garbage once written
      yield '[';
      let i = 0;
      for (const v of value as Iterable<unknown>) {
        yield `${i++ ? ',' : ''}\n${inner}`;
        if (isSkipped(v)) yield 'null';
        else yield* pieces(v, inner);
      }
      yield `\n${indent}]`;
      return;
    }
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => !isSkipped(v));
    yield '{';
    for (let i = 0; i < entries.length; i++) {
      const [k, v] = entries[i]!;
      yield `${i ? ',' : ''}\n${inner}${JSON.stringify(k)}: `;
      yield* pieces(v, inner);
    }
    yield `\n${indent}}`;
    return;
  }
  yield indented(value, indent);
}

/**
 * JSON.stringify(value, null, 2) with every line after the first indented by `indent` (spaces, two per
 * level). The value is wrapped in one array per level so that JSON.stringify does the indenting itself,
 * and the wrapper's lines are cut off: on a report of many requests this was the formatter's largest cost
 * as a regex replace over every entry's text.
 */
function indented(value: unknown, indent: string): string {
  if (indent === '') return JSON.stringify(value, null, 2);
  const levels = indent.length / 2;
  let wrapped: unknown = value;
  for (let k = 0; k < levels; k++) wrapped = [wrapped];
  const s = JSON.stringify(wrapped, null, 2);
  // the wrapper: `[`, a newline and 2·i spaces before the value at each level i; a newline, 2·i spaces and `]` after
  return s.slice(levels * levels + 3 * levels, s.length - (levels * levels + levels));
}
