// What a log job hands back from the worker: the result with its per-request parts (timeline entries,
// projection rows) still packed as columns, and how the thread that prints them reads them: as lists
// that build each item when it is read (src/list.ts), so a run over hundreds of thousands of requests
// never holds them all as objects. Light on purpose: src/logs/isolate.ts loads it on the main thread
// before any of the job's own modules.
import { summarizeProjection } from '../project/projection-summary.js';
import { unpackParts, type PackedProjection } from '../project/row-columns.js';
import type { LogJobResult } from './job.js';
import { timelineViews, type TimelineTransport } from './timeline-store.js';
import type { LogAnalysis } from './types.js';

/** A LogJobResult whose timelines' `requests` are empty and whose projection is still packed parts. */
export interface CompactLogJobResult extends Omit<LogJobResult, 'analysis' | 'projection'> {
  analysis: LogAnalysis;
  timelines: TimelineTransport;
  projection?: PackedProjection;
}

/** The result with timeline entries and projection rows readable as lists over the columns, and the projection summed. */
export function openLogJobResult({ analysis, timelines, projection, ...result }: CompactLogJobResult): LogJobResult {
  return { analysis: timelineViews(analysis, timelines), ...result, ...(projection ? { projection: summarizeProjection(unpackParts(projection)) } : {}) };
}
