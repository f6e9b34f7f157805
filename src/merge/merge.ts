// `kvlint merge`: combines json reports into one. Two cases:
// - the n shards of one `--shard i/n` run: every log file was read by every shard, each lineage and
//   template analyzed by exactly one. File-level facts (skipped records, malformed lines) are the same in
//   each shard and are kept once; per-request facts are concatenated and summed again through the same
//   functions a single run uses (assembleAnalysis, summarizeProjection), so the result is that run's report.
// - reports of separate runs over different files: concatenated the same way; a file or lineage that
//   two of them analyzed would be counted twice, so that is refused.
// Pure: reports in, report out. Reading the files and printing are src/commands/merge.ts.
import { KvlintError, type InputProblem } from '../errors.js';
import { assembleAnalysis } from '../logs/assemble.js';
import type { LineageTimeline, LogAnalysis, LogFileSummary } from '../logs/types.js';
import type { Diagnostic } from '../model.js';
import { mergeAgreements } from '../logs/provider-diagnostics.js';
import {
  summarizeProjection,
  type CalibrationEntry,
  type ProjectedRequest,
  type Projection,
  type ProjectionBasis,
  type ProjectionTarget,
} from '../project/projection-summary.js';
import { compareDiagnostics, countSeverities, summaryOf, type FileResult, type Report, type RuleMeta } from '../report.js';

export interface NamedReport {
  /** where the report came from (a file name), for messages */
  name: string;
  report: Report;
}

function problemKey(p: InputProblem): string {
  return JSON.stringify([p.code, p.file, p.line ?? null, p.message]);
}

/**
 * Problems of shards: each shard read every input, so a problem appears in each of them; keep each
 * distinct problem as many times as one shard has it. Reports of separate runs: all of them.
 */
function mergeProblems(lists: InputProblem[][], sharded: boolean): InputProblem[] {
  if (!sharded) return lists.flat();
  const most = new Map<string, { p: InputProblem; n: number }>();
  for (const list of lists) {
    const here = new Map<string, number>();
    for (const p of list) here.set(problemKey(p), (here.get(problemKey(p)) ?? 0) + 1);
    for (const p of list) {
      const k = problemKey(p);
      const prev = most.get(k);
      if (!prev || prev.n < here.get(k)!) most.set(k, { p, n: here.get(k)! });
    }
  }
  return [...most.values()].flatMap(({ p, n }) => Array.from({ length: n }, () => ({ ...p })));
}

/** Refuses reports that cannot be merged, with the reason and what to do instead. */
function check(inputs: readonly NamedReport[], version: string): boolean {
  if (inputs.length === 0) throw new KvlintError('KVE101', 'merge needs at least one json report', { hint: 'kvlint merge shard-1.json shard-2.json …' });
  for (const { name, report } of inputs) {
    const r = report as Partial<Report>;
    if (typeof r !== 'object' || r === null || typeof r.version !== 'string' || !Array.isArray(r.files) || !Array.isArray(r.problems) || typeof r.summary !== 'object') {
      throw new KvlintError('KVE305', `${name} is not a kvlint json report`, { file: name, hint: 'merge reads reports written by kvlint --format json' });
    }
    if (r.version !== version) {
      throw new KvlintError('KVE101', `${name} was written by kvlint ${r.version}; this is kvlint ${version}`, { file: name, hint: 'merge reports with the kvlint version that wrote them' });
    }
  }
  const shards = inputs.filter((i) => i.report.shard);
  if (shards.length === 0) return false;
  if (shards.length !== inputs.length) {
    const plain = inputs.find((i) => !i.report.shard)!;
    throw new KvlintError('KVE101', `${plain.name} is not a --shard report, but ${shards[0]!.name} is`, { hint: 'merge either all shards of one run or reports of separate runs' });
  }
  const first = shards[0]!.report.shard!;
  const seen = new Map<number, string>();
  for (const { name, report } of shards) {
    const s = report.shard!;
    if (s.run !== first.run || s.count !== first.count) {
      throw new KvlintError('KVE101', `${name} is a shard of a different run than ${shards[0]!.name} (other inputs, options or shard count)`, {
        hint: 'every shard must be run with the same paths and options, only --shard i/n differing',
      });
    }
    const dup = seen.get(s.index);
    if (dup) throw new KvlintError('KVE101', `${dup} and ${name} are both shard ${s.index}/${s.count}`);
    seen.set(s.index, name);
  }
  const missing = Array.from({ length: first.count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length) {
    throw new KvlintError('KVE101', `shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${first.count}`).join(', ')} missing: a merge of some shards would under-count`, {
      hint: 'pass the reports of every shard',
    });
  }
  return true;
}

/** One FileResult per file: a log file's findings are split across shards; a template is in one. */
function mergeFiles(inputs: readonly NamedReport[], sharded: boolean): FileResult[] {
  const byFile = new Map<string, { first: FileResult; diagnostics: Diagnostic[]; tokens?: number; from: string }>();
  for (const { name, report } of inputs) {
    for (const f of report.files) {
      const got = byFile.get(f.file);
      if (!got) {
        byFile.set(f.file, { first: f, diagnostics: [...f.diagnostics], ...(f.tokens !== undefined ? { tokens: f.tokens } : {}), from: name });
        continue;
      }
      if (!sharded || f.kind !== 'log') {
        throw new KvlintError('KVE101', `${got.from} and ${name} both checked ${f.file}: merging would count it twice`, {
          hint: 'merge reports of different files, or the shards of one --shard run',
        });
      }
      got.diagnostics.push(...f.diagnostics);
      if (f.tokens !== undefined) got.tokens = (got.tokens ?? 0) + f.tokens;
    }
  }
  return [...byFile.values()].map(({ first, diagnostics, tokens }) => {
    diagnostics.sort(compareDiagnostics);
    return { ...first, diagnostics, ...countSeverities(diagnostics), ...(tokens !== undefined ? { tokens } : {}) };
  });
}

function mergeLogs(inputs: readonly NamedReport[], sharded: boolean): LogAnalysis | undefined {
  const parts = inputs.flatMap(({ name, report }) => (report.logs ? [{ name, logs: report.logs as LogAnalysis }] : []));
  if (parts.length === 0) return undefined;
  const files = new Map<string, LogFileSummary>();
  const lineages: LineageTimeline[] = [];
  const owner = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  for (const { name, logs } of parts) {
    for (const f of logs.files) {
      const got = files.get(f.file);
      if (!got) files.set(f.file, { ...f, skipped: { ...f.skipped } });
      else got.requests += f.requests; // skipped records, notes and rejections are the same in every shard
    }
    for (const l of logs.lineages) {
      const other = owner.get(l.lineage);
      if (other !== undefined) {
        throw new KvlintError('KVE101', `lineage ${l.lineage} is in both ${other} and ${name}: merged, its requests would not be compared with each other`, {
          hint: sharded ? 'the shards were not split by one lineage key: re-run them with the same kvlint version' : 'analyze files that share sessions in one run, or split it with --shard',
        });
      }
      owner.set(l.lineage, name);
      lineages.push(l);
    }
    diagnostics.push(...logs.diagnostics);
  }
  const problems = mergeProblems(
    parts.map((p) => p.logs.problems),
    sharded,
  );
  const agreements = parts.flatMap((p) => (p.logs.summary.providerDiagnostics ? [p.logs.summary.providerDiagnostics] : []));
  return assembleAnalysis([...files.values()], lineages, diagnostics, problems, undefined, agreements.length ? mergeAgreements(agreements) : undefined);
}

function mergeProjection(inputs: readonly NamedReport[], fileOrder: Map<string, number>): Projection | undefined {
  const parts = inputs.flatMap(({ name, report }) => (report.projection ? [{ name, p: report.projection }] : []));
  if (parts.length === 0) return undefined;
  const ttftBasis = parts[0]!.p.ttftBasis;
  const targets = new Map<string, ProjectionTarget>();
  const unpriced = new Map<string, number>();
  const calibration = new Map<string, CalibrationEntry>();
  const basis: ProjectionBasis = { requests: 0, timed: 0, withOutput: 0, fromUsage: 0, atReported: 0 };
  const ruleIds: Record<string, string> = {};
  const requests: ProjectedRequest[] = [];
  const byFinding: Projection['byFinding'] = [];
  for (const { name, p } of parts) {
    if (!Array.isArray(p.requests) || !p.basis) {
      throw new KvlintError('KVE305', `${name} has a projection without per-request rows`, { file: name, hint: 'write the reports with this kvlint version' });
    }
    if (p.ttftBasis !== ttftBasis) throw new KvlintError('KVE101', `${name} times requests on a different TTFT basis (${p.ttftBasis})`, { hint: 'merge reports run with the same --engine' });
    for (const t of p.targets) {
      const key = `${t.provider}\u0000${t.model}`;
      const got = targets.get(key);
      if (!got) targets.set(key, { ...t, assumptions: [...t.assumptions] });
      else if (got.price !== t.price || got.regime !== t.regime) {
        throw new KvlintError('KVE101', `${name} prices ${t.model} with ${t.price} (${t.regime}), another report with ${got.price} (${got.regime})`, {
          hint: 'merge reports run with the same prices and options',
        });
      } else {
        got.requests += t.requests;
        // a note that holds for some of the target's requests (e.g. those sent through a Batch API) may be in any shard
        for (const a of t.assumptions) if (!got.assumptions.includes(a)) got.assumptions.push(a);
      }
    }
    for (const u of p.unpriced) unpriced.set(u.model, (unpriced.get(u.model) ?? 0) + u.requests);
    for (const c of p.calibration) {
      const got = calibration.get(c.model);
      if (!got) calibration.set(c.model, { ...c });
      else {
        got.lineages += c.lineages;
        got.requests += c.requests;
        got.factorMin = Math.min(got.factorMin, c.factorMin);
        got.factorMax = Math.max(got.factorMax, c.factorMax);
      }
    }
    for (const k of Object.keys(basis) as (keyof ProjectionBasis)[]) basis[k] += p.basis[k];
    for (const r of p.byRule) if (r.ruleId) ruleIds[r.code] = r.ruleId;
    requests.push(...p.requests);
    byFinding.push(...p.byFinding);
  }
  // arrival order: the file's place in the input, then the request's place in its file
  requests.sort((a, b) => (fileOrder.get(a.file) ?? -1) - (fileOrder.get(b.file) ?? -1) || a.index - b.index);
  // --group-by: the rows carry their values; every shard of a run was grouped by the same fields
  const groupBy = parts[0]!.p.byGroup?.map((g) => g.field);
  return summarizeProjection({ targets: [...targets.values()], unpriced: [...unpriced].map(([model, n]) => ({ model, requests: n })), ttftBasis, byFinding, calibration: [...calibration.values()], basis, requests, ruleIds, ...(groupBy ? { groupBy } : {}) });
}

/** Merges json reports (see the file comment). `version` is this kvlint's: reports must match it. */
export function mergeReports(inputs: readonly NamedReport[], version: string): Report {
  const sharded = check(inputs, version);
  const files = mergeFiles(inputs, sharded);
  const problems = mergeProblems(
    inputs.map((i) => i.report.problems),
    sharded,
  );
  const rules: Record<string, RuleMeta> = {};
  for (const { report } of inputs) Object.assign(rules, report.rules);
  const report: Report = { version, files, problems, rules, summary: summaryOf(files, problems) };
  const logs = mergeLogs(inputs, sharded);
  if (logs) {
    report.logs = logs;
    const projection = mergeProjection(inputs, new Map(logs.files.map((f, i) => [f.file, i])));
    if (projection) {
      report.projection = projection;
      report.metrics = projection.metrics;
    }
  }
  // one report merged alone is re-rendered (the action prints every format from the run's json): its
  // assertions are about exactly these metrics. Separate runs' assertions say nothing of the whole.
  const only = inputs.length === 1 && !sharded ? inputs[0]!.report.assertions : undefined;
  if (only) report.assertions = only;
  return report;
}
