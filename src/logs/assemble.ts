// The log analysis from its parts, in one deterministic order. analyzeLogs builds its result here, and
// `kvlint merge` assembles shards through the same function, so a merged analysis equals a single run.
import type { InputProblem } from '../errors.js';
import type { Diagnostic } from '../model.js';
import { compareDiagnostics } from '../report.js';
import type { LineageTimeline, LogAnalysis, LogFileSummary } from './types.js';
import { DISAGREEMENTS_KEPT, type ProviderAgreement } from './provider-diagnostics.js';

/**
 * What the order and the sums need when the timelines' entries are not in `requests` yet (they are still
 * columns: see timeline-store.ts): each lineage's first request, and whether any count is approximate.
 */
export interface CompactFacts {
  first: (t: LineageTimeline) => { file: string; index: number } | undefined;
  approx: boolean;
}

/** Provider diagnostics agreement with its disagreements in file order, the first few kept. */
function orderAgreement(a: ProviderAgreement | undefined, fileOrder: Map<string, number>): ProviderAgreement | undefined {
  if (!a || a.compared === 0) return undefined;
  const disagreements = [...a.disagreements].sort((x, y) => (fileOrder.get(x.file) ?? -1) - (fileOrder.get(y.file) ?? -1) || x.line - y.line).slice(0, DISAGREEMENTS_KEPT);
  return { compared: a.compared, agree: a.agree, disagreements };
}

/** Lineages by their first request (file order, then place in file); findings by position; sums recounted. */
export function assembleAnalysis(
  files: LogFileSummary[],
  lineages: LineageTimeline[],
  diagnostics: Diagnostic[],
  problems: InputProblem[],
  compact?: CompactFacts,
  providerDiagnostics?: ProviderAgreement,
): LogAnalysis {
  const fileOrder = new Map(files.map((f, i) => [f.file, i]));
  const firstOf = compact?.first ?? ((t: LineageTimeline) => t.requests[0]);
  const first = (t: LineageTimeline): [number, number] => {
    const r = firstOf(t);
    return [fileOrder.get(r?.file ?? '') ?? -1, r?.index ?? -1];
  };
  const timelines = [...lineages].sort((a, b) => {
    const [fa, ia] = first(a);
    const [fb, ib] = first(b);
    return fa - fb || ia - ib;
  });
  const skipped: Record<string, number> = {};
  for (const f of files) for (const [k, v] of Object.entries(f.skipped)) skipped[k] = (skipped[k] ?? 0) + v;
  return {
    files,
    lineages: timelines,
    diagnostics: [...diagnostics].sort((a, b) => compareDiagnostics(a, b) || (a.request ?? 0) - (b.request ?? 0) || (a.tokenOffset ?? 0) - (b.tokenOffset ?? 0)),
    problems,
    summary: {
      files: files.length,
      requests: files.reduce((a, f) => a + f.requests, 0),
      lineages: timelines.length,
      breaks: timelines.reduce((a, t) => a + t.breaks, 0),
      tokens: timelines.reduce((a, t) => a + t.tokens, 0),
      reusedTokens: timelines.reduce((a, t) => a + t.reusedTokens, 0),
      lostTokens: timelines.reduce((a, t) => a + t.lostTokens, 0),
      approx: compact ? compact.approx : timelines.some((t) => t.requests.some((r) => r.approx)),
      skipped,
      ...(orderAgreement(providerDiagnostics, fileOrder) ? { providerDiagnostics: orderAgreement(providerDiagnostics, fileOrder)! } : {}),
    },
  };
}
