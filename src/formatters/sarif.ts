// SARIF 2.1.0 for GitHub code scanning and IDE viewers, written by hand (no dependency): one run, the
// rules that fired, one result per finding, input problems as tool execution notifications.
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, Severity } from '../model.js';
import type { Report, RuleMeta } from '../report.js';
import { jsonChunks } from './json.js';
import { PROJECT_URL, ruleHelpUri } from './links.js';
import { displayPath, normalizeReport } from './normalize.js';
import type { FatalError, FormatOptions } from './types.js';

/** The SARIF schema URI written into `$schema`. */
export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** The base id every artifact URI is relative to: the directory kvlint ran in. */
export const SRCROOT = '%SRCROOT%';

/** Key of our entry in `partialFingerprints`; bump the version if the hashed fields ever change. */
export const FINGERPRINT_KEY = 'kvlintFingerprint/v1';

type SarifLevel = 'error' | 'warning' | 'note';

const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note' };

/** A relative POSIX path as a URI reference: each segment percent-encoded (spaces, `#`, `%`, `<stdin>`). */
export function pathToUri(path: string): string {
  return path
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

/** The rule id SARIF shows: the code (`KV101`), or the rule id for findings without one. */
function sarifRuleId(d: Pick<Diagnostic, 'code' | 'ruleId'>): string {
  return d.code !== '' ? d.code : d.ruleId;
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  helpUri: string;
  defaultConfiguration: { level: SarifLevel };
  properties: { category: string; tags: string[] };
}

/**
 * tool.driver.rules: every rule in the report's metadata plus any rule a finding names without metadata
 * (so each result's ruleIndex is valid), sorted by code.
 */
function buildRules(report: Report, diags: Diagnostic[]): { rules: SarifRule[]; index: Map<string, number> } {
  const metas = new Map<string, RuleMeta>();
  for (const meta of Object.values(report.rules)) metas.set(meta.id, meta);
  for (const d of diags) {
    if (!metas.has(d.ruleId)) {
      metas.set(d.ruleId, { id: d.ruleId, code: d.code, category: d.category, severity: d.severity, summary: '', helpUri: '' });
    }
  }
  const sorted = [...metas.values()].sort((a, b) => {
    const ka = sarifRuleId({ code: a.code, ruleId: a.id });
    const kb = sarifRuleId({ code: b.code, ruleId: b.id });
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const index = new Map<string, number>();
  const rules = sorted.map((m, i) => {
    index.set(m.id, i);
    const id = sarifRuleId({ code: m.code, ruleId: m.id });
    return {
      id,
      name: m.id,
      shortDescription: { text: m.summary !== '' ? m.summary : m.id },
      helpUri: ruleHelpUri(id),
      defaultConfiguration: { level: LEVEL[m.severity] },
      properties: { category: m.category, tags: [m.category] },
    };
  });
  return { rules, index };
}

function region(d: Diagnostic): Record<string, number> {
  const r: Record<string, number> = { startLine: d.line, startColumn: d.column };
  const endLine = d.endLine ?? d.line;
  // SARIF requires the end to follow the start; drop an inconsistent end rather than emit invalid SARIF.
  if (d.endLine !== undefined && d.endLine >= d.line) r.endLine = d.endLine;
  if (d.endColumn !== undefined && (endLine > d.line || d.endColumn >= d.column)) r.endColumn = d.endColumn;
  return r;
}

/**
 * A fingerprint that survives unrelated edits: it hashes the rule, the file and the (redacted) evidence,
 * not the line, so code scanning keeps tracking a finding when lines above it move. Findings without
 * evidence fall back to the message id and segment. Identical keys in one file get an occurrence suffix,
 * as GitHub's own primaryLocationLineHash does.
 */
export function fingerprints(diags: Diagnostic[]): string[] {
  const seen = new Map<string, number>();
  return diags.map((d) => {
    const what = d.evidence !== undefined ? `evidence:${d.evidence}` : `message:${d.messageId}|${d.segment ?? ''}`;
    const hash = createHash('sha256').update(`${sarifRuleId(d)}\0${d.file}\0${what}`).digest('hex').slice(0, 32);
    const n = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, n);
    return `${hash}:${n}`;
  });
}

function artifactLocation(file: string): { uri: string; uriBaseId: string } {
  return { uri: pathToUri(file), uriBaseId: SRCROOT };
}

function resultProperties(d: Diagnostic): Record<string, unknown> {
  const p: Record<string, unknown> = { category: d.category };
  if (d.tokenOffset !== undefined) p.tokenOffset = d.tokenOffset;
  if (d.tokensAtRisk !== undefined) p.tokensAtRisk = d.tokensAtRisk;
  if (d.approx !== undefined) p.approx = d.approx;
  if (d.segment !== undefined) p.segment = d.segment;
  if (d.request !== undefined) p.request = d.request;
  if (d.savedMicro !== undefined) p.savedMicroUsd = d.savedMicro;
  return p;
}

function notification(code: string, message: string, level: SarifLevel, file?: string, line?: number): Record<string, unknown> {
  const n: Record<string, unknown> = { level, message: { text: message }, descriptor: { id: code } };
  if (file !== undefined) {
    const physicalLocation: Record<string, unknown> = { artifactLocation: artifactLocation(file) };
    if (line !== undefined && line >= 1) physicalLocation.region = { startLine: line };
    n.locations = [{ physicalLocation }];
  }
  return n;
}

function invocation(report: Report, failure: FatalError | undefined, cwd: string): Record<string, unknown> {
  const inv: Record<string, unknown> = {
    executionSuccessful: failure === undefined,
    toolExecutionNotifications: report.problems.map((p) => notification(p.code, p.message, 'warning', p.file, p.line)),
  };
  if (failure) {
    // Config and rule-loading errors (KVE2xx) are configuration notifications; anything else is execution.
    const file = failure.file !== undefined ? displayPath(failure.file, cwd) : undefined;
    const n = notification(failure.code, failure.message, 'error', file, failure.line);
    if (failure.code.startsWith('KVE2')) inv.toolConfigurationNotifications = [n];
    else (inv.toolExecutionNotifications as unknown[]).push(n);
  }
  return inv;
}

/**
 * SARIF 2.1.0: one run whose `results` is always present (empty when clean), relative artifact URIs
 * against `%SRCROOT%`, help links to the README, token figures in each result's property bag.
 */
export function formatSarif(report: Report, opts: FormatOptions): string {
  return [...formatSarifChunks(report, opts)].join('');
}

/**
 * formatSarif in pieces, written as they are made: the log carries the projection, whose rows (one per
 * request, built as they are read) run to hundreds of MB on a large log, as in the json report.
 */
export function* formatSarifChunks(report: Report, opts: FormatOptions): Generator<string> {
  yield* jsonChunks(sarifLog(report, opts));
  yield '\n';
}

function sarifLog(report: Report, opts: FormatOptions): object {
  const r = normalizeReport(report, opts.cwd);
  const diags = r.files.flatMap((f) => f.diagnostics);
  const { rules, index } = buildRules(r, diags);
  const prints = fingerprints(diags);
  const results = diags.map((d, i) => {
    const result: Record<string, unknown> = { ruleId: sarifRuleId(d) };
    const ri = index.get(d.ruleId);
    if (ri !== undefined) result.ruleIndex = ri;
    result.level = LEVEL[d.severity];
    result.message = { text: d.message };
    result.locations = [{ physicalLocation: { artifactLocation: artifactLocation(d.file), region: region(d) } }];
    result.partialFingerprints = { [FINGERPRINT_KEY]: prints[i] };
    result.properties = resultProperties(d);
    return result;
  });
  const root = pathToFileURL(opts.cwd).href;
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kvlint',
            version: opts.version,
            semanticVersion: opts.version,
            informationUri: PROJECT_URL,
            rules,
          },
        },
        invocations: [invocation(r, opts.failure, opts.cwd)],
        originalUriBaseIds: { [SRCROOT]: { uri: root.endsWith('/') ? root : `${root}/` } },
        columnKind: 'utf16CodeUnits',
        results,
        properties: { summary: r.summary, ...(r.metrics ? { metrics: r.metrics } : {}), ...(r.projection ? { projection: r.projection } : {}) },
      },
    ],
  };
  return log;
}
