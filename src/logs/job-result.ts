// What a log job hands back from the worker: the result with its per-request parts (timeline entries,
// projection rows) still packed as columns, and their expansion on the thread that prints them. Light on
// purpose: src/logs/isolate.ts loads it on the main thread before any of the job's own modules.
import { unpackRows, type RowTransport } from '../project/row-columns.js';
import type { LogJobResult } from './job.js';
import { expandTimelines, type TimelineTransport } from './timeline-store.js';

/** A LogJobResult whose timelines' `requests` and the projection's `requests` are empty, their contents packed. */
export interface CompactLogJobResult extends LogJobResult {
  timelines: TimelineTransport;
  rows?: RowTransport;
}

/** The result with every timeline entry and projection row built. */
export function expandLogJobResult({ timelines, rows, ...result }: CompactLogJobResult): LogJobResult {
  expandTimelines(result.analysis, timelines);
  if (rows && result.projection) result.projection.requests = unpackRows(rows);
  return result;
}
