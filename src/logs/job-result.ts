// What a log job hands back from the worker: the result with its per-request parts (timeline entries,
// projection rows) still packed as columns, and their expansion on the thread that prints them. Light on
// purpose: src/logs/isolate.ts loads it on the main thread before any of the job's own modules.
import { summarizeProjection } from '../project/projection-summary.js';
import { unpackParts, type PackedProjection } from '../project/row-columns.js';
import type { LogJobResult } from './job.js';
import { expandTimelines, type TimelineTransport } from './timeline-store.js';

/** A LogJobResult whose timelines' `requests` are empty and whose projection is still packed parts. */
export interface CompactLogJobResult extends Omit<LogJobResult, 'projection'> {
  timelines: TimelineTransport;
  projection?: PackedProjection;
}

/** The result with every timeline entry and projection row built, and the projection summed. */
export function expandLogJobResult({ timelines, projection, ...result }: CompactLogJobResult): LogJobResult {
  expandTimelines(result.analysis, timelines);
  return { ...result, ...(projection ? { projection: summarizeProjection(unpackParts(projection)) } : {}) };
}
