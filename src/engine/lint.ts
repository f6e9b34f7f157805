// Template linting: runs each enabled rule's check over a PromptDoc, places every finding in the rendered
// prompt (token offset, cacheable tokens it puts at risk), drops positional findings after the cacheable
// region, and renders messages. Pure: no I/O, deterministic order.
import { KvlintError } from '../errors.js';
import type { Diagnostic, PromptDoc, Severity } from '../model.js';
import { excerpt, redact } from '../redact.js';
import { compareDiagnostics } from '../report.js';
import { positionAt, segmentPosition } from '../source.js';
import type { Tokenizer } from '../tokenize/index.js';
import { METADATA_CHECKS } from '../checks/index.js';
import { layoutPrompt, tokenOffsets } from './layout.js';
import type { PromptLayout } from './layout.js';
import { withDefaults } from './rule.js';
import type { CheckReport, LoadedRule, RuleSettings } from './rule.js';

export interface LintContext {
  tokenizer: Tokenizer;
  /** the chosen model's minimum cacheable prefix (from the price data), for require-min-cacheable-prefix */
  minCacheable?: { tokens: number; model: string; source: string; asOf: string };
}

/**
 * Lints one template or tool file with the template-scope rules. Rules absent from `settings` run with
 * their YAML severity and options; `options` in settings merge over the rule's `with`.
 * @throws KvlintError KVE201 when settings give a rule options its check rejects
 */
export function lintPrompt(doc: PromptDoc, rules: readonly LoadedRule[], settings: RuleSettings, ctx: LintContext): Diagnostic[] {
  const layout = layoutPrompt(doc, ctx.tokenizer);
  const out: Diagnostic[] = [];
  for (const rule of rules) {
    if (rule.scope !== 'template' || !rule.impl.run || METADATA_CHECKS.has(rule.check)) continue;
    const setting = settings.get(rule.id);
    if (setting?.severity === 'off') continue;
    const options = setting?.options ? resolveOptions(rule, setting.options) : rule.options;
    const reports: CheckReport[] = [];
    rule.impl.run!(
      { doc, selected: selectSegments(doc, layout, rule), layout },
      options,
      {
        report: (r) => reports.push(r),
        tokenizer: ctx.tokenizer,
        ...(ctx.minCacheable ? { minCacheable: ctx.minCacheable } : {}),
      },
    );
    out.push(...toDiagnostics(doc, layout, ctx.tokenizer, rule, setting?.severity ?? rule.severity, reports));
  }
  return foldFindings(out, rules).sort(compareDiagnostics);
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** The less severe of a severity and a cap (undefined: no cap). */
export function capSeverity(severity: Severity, max: Severity | undefined): Severity {
  return max !== undefined && SEVERITY_RANK[severity] < SEVERITY_RANK[max] ? max : severity;
}

function sameRange(a: Diagnostic, b: Diagnostic): boolean {
  return a.file === b.file && a.line === b.line && a.column === b.column && a.endLine === b.endLine && a.endColumn === b.endColumn;
}

/**
 * One finding per place: a finding of a rule with `defersTo` whose range a more specific rule (one it
 * defers to) also reported is folded into that finding: its message names the folded rule by id, its severity
 * is the higher of the two, and a directive naming either rule suppresses it (`alsoRules`). `rules` maps
 * the findings' rule ids to their definitions; findings of unknown rules are kept as they are.
 */
export function foldFindings(diags: readonly Diagnostic[], rules: readonly LoadedRule[]): Diagnostic[] {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const find = (name: string) => rules.find((r) => r.id === name || r.code === name.toUpperCase())?.id;
  const deferring = diags.filter((d) => (byId.get(d.ruleId)?.defersTo.length ?? 0) > 0);
  if (deferring.length === 0) return [...diags];
  const out = diags.filter((d) => !deferring.includes(d));
  for (const d of deferring) {
    const specific = new Set(byId.get(d.ruleId)!.defersTo.map(find));
    const k = out.findIndex((o) => specific.has(o.ruleId) && sameRange(o, d));
    const host = out[k];
    if (!host) {
      out.push(d);
      continue;
    }
    if (host.alsoRules?.includes(d.ruleId)) continue; // the same place reported twice (a shared prompt)
    out[k] = {
      ...host,
      severity: SEVERITY_RANK[d.severity] < SEVERITY_RANK[host.severity] ? d.severity : host.severity,
      // the id, not the code: a wrapped stylish line must never start with a code (the code column's place)
      message: `${host.message} (also ${d.ruleId})`,
      alsoRules: [...(host.alsoRules ?? []), d.ruleId],
    };
  }
  return out;
}

/** A rule's options with config options merged over its `with`, validated by the check's spec. */
export function resolveOptions(rule: LoadedRule, overrides: Record<string, unknown>): Record<string, unknown> {
  const merged = withDefaults(rule.impl.options, { ...rule.with, ...overrides });
  const problem = rule.impl.validate(merged);
  if (problem) throw new KvlintError('KVE201', `invalid options for rule ${rule.id} (${rule.code}): ${problem}`, { hint: `kvlint explain ${rule.code}` });
  return merged;
}

/** Segment indices a rule looks at: its levels, plus every cacheable segment for `prefix`. */
function selectSegments(doc: PromptDoc, layout: PromptLayout, rule: LoadedRule): number[] {
  const levels = new Set<string>(rule.where);
  const prefix = levels.has('prefix');
  const out: number[] = [];
  doc.segments.forEach((seg, i) => {
    if (levels.has(seg.level) || (prefix && layout.segments[i]?.inRegion)) out.push(i);
  });
  return out;
}

function formatTokens(n: number, approx: boolean): string {
  return `${approx ? '≈' : ''}${n.toLocaleString('en-US')}`;
}

/** Fills `{{key}}` placeholders; string values are redacted and shortened (a CI log is public). */
export function renderMessage(template: string, data: Record<string, string | number>): string {
  return template.replace(/\{\{\s*([\w-]+)\s*\}\}/g, (whole, key: string) => {
    const v = data[key];
    if (v === undefined) return whole;
    return typeof v === 'number' ? v.toLocaleString('en-US') : excerpt(redact(v), 80);
  });
}

function toDiagnostics(
  doc: PromptDoc,
  layout: PromptLayout,
  tokenizer: Tokenizer,
  rule: LoadedRule,
  severity: Diagnostic['severity'],
  reports: CheckReport[],
): Diagnostic[] {
  // Token offsets are computed per segment in one pass over the offsets its findings need.
  const needed = new Map<number, number[]>();
  const kept = reports.filter((r) => {
    if (!('segment' in r.at)) return true;
    const span = layout.segments[r.at.segment];
    if (!span) return false;
    if (rule.positional && !span.inRegion) return false;
    const list = needed.get(r.at.segment) ?? [];
    list.push(r.at.start, r.at.end);
    needed.set(r.at.segment, list);
    return true;
  });
  const tokensAt = new Map<number, Map<number, number>>();
  for (const [i, offsets] of needed) tokensAt.set(i, tokenOffsets(layout, tokenizer, doc.segments[i]?.text ?? '', i, offsets));

  const template = (id: string): string => rule.messages[id] ?? id;
  // A breaker with nothing cacheable after it costs nothing (a clock on the last line of a system prompt).
  // A tools file is only the head of a prompt: what follows it is not in the file, so nothing is dropped.
  const dropsFree = rule.positional && rule.category === 'breaker' && doc.kind !== 'tools';
  const out: Diagnostic[] = [];
  for (const r of kept) {
    const d = toDiagnostic(r);
    if (dropsFree && d.tokensAtRisk === 0 && d.segment !== undefined) continue;
    out.push(d);
  }
  return out;

  function toDiagnostic(r: CheckReport): Diagnostic {
    const base = {
      ruleId: rule.id,
      code: rule.code,
      severity: capSeverity(severity, rule.maxSeverity[r.messageId]),
      category: rule.category,
      messageId: r.messageId,
      file: doc.file.path,
    };
    const data: Record<string, string | number> = { ...(r.data ?? {}) };
    const fix =
      rule.fixable === 'none' ? {} : r.fix && r.fix.length > 0 ? { fix: r.fix } : r.structuralFix ? { fixable: true } : {};
    if (!('segment' in r.at)) {
      const start = positionAt(doc.file, r.at.start ?? 0);
      const end = r.at.end !== undefined ? positionAt(doc.file, r.at.end) : undefined;
      const shown = r.evidence ?? (r.at.start !== undefined && r.at.end !== undefined ? doc.file.text.slice(r.at.start, r.at.end) : undefined);
      return {
        ...base,
        message: renderMessage(template(r.messageId), data),
        line: start.line,
        column: start.column,
        ...(end ? { endLine: end.line, endColumn: end.column } : {}),
        ...(shown ? { evidence: excerpt(redact(shown)) } : {}),
        ...fix,
      };
    }
    const at = r.at;
    const seg = doc.segments[at.segment]!;
    const span = layout.segments[at.segment]!;
    const group = layout.groups.find((g) => g.key === span.group)!;
    const offsets = tokensAt.get(at.segment);
    const tokenOffset = offsets?.get(at.start) ?? span.startToken;
    const endToken = offsets?.get(at.end) ?? tokenOffset;
    const tokensAtRisk = span.inRegion ? Math.max(0, group.regionTokens - endToken) : 0;
    data['tokensAtRisk'] = formatTokens(tokensAtRisk, layout.approx);
    data['tokenOffset'] = formatTokens(tokenOffset, layout.approx);
    data['segment'] = seg.label;
    const start = segmentPosition(doc.file, seg, at.start);
    const end = segmentPosition(doc.file, seg, at.end);
    return {
      ...base,
      message: renderMessage(template(r.messageId), data),
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      segment: seg.label,
      tokenOffset,
      tokensAtRisk,
      approx: layout.approx,
      evidence: excerpt(redact(r.evidence ?? seg.text.slice(at.start, at.end))),
      ...fix,
    };
  }
}
