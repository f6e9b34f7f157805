// Log findings: every classified break the pair pass reports, one finding per rule and place in the
// shared prefix (the segment and the line in it where the requests part), with the requests and sessions
// it affects and every occurrence. 20,000 requests with one timestamp are one finding, not 20,000 lines.
import type { LoadedRule } from '../engine/rule.js';
import { pairMessage } from '../engine/pair.js';
import type { Diagnostic, KvRequest } from '../model.js';
import { providerLevel } from './provider-diagnostics.js';
import type { TimelineDivergence } from './types.js';

/** One finding: a rule and a place in the shared prefix, with every request it breaks. */
export interface FindingGroup {
  rule: LoadedRule;
  severity: Diagnostic['severity'];
  messageId: string;
  first: { req: KvRequest; div: TimelineDivergence };
  occurrences: { file: string; line: number; request: number; lineage: string }[];
  sessions: Set<string>;
  lost: number;
  approx: boolean;
  /** the provider's own diagnostics reported a miss at one of its requests */
  confirmed: boolean;
}

/** 0-based line of offset `end` in `text`. */
function countLines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

const fmt = (n: number, approx: boolean): string => `${approx ? '≈' : ''}${Math.round(n).toLocaleString('en-US')}`;

/** A finding group as a diagnostic: the first place it was seen, its message from the rule's YAML. */
function groupDiagnostic(g: FindingGroup): Diagnostic {
  const { req, div } = g.first;
  const n = g.occurrences.length;
  const s = g.sessions.size;
  const place = div.segment >= 0 ? `'${div.label}' (char ${div.charOffset}, token ${fmt(div.tokenOffset, g.approx)})` : `token ${fmt(div.tokenOffset, g.approx)}`;
  const affected = `${n.toLocaleString('en-US')} request${n === 1 ? '' : 's'} in ${s.toLocaleString('en-US')} session${s === 1 ? '' : 's'}`;
  const message = pairMessage(g.rule, g.messageId, { place, lost: fmt(g.lost, g.approx), affected, detail: div.excerpt });
  const d: Diagnostic = {
    ruleId: g.rule.id,
    code: g.rule.code,
    severity: g.severity,
    category: g.rule.category,
    messageId: g.messageId,
    message,
    file: req.file,
    line: req.line,
    column: 1,
    tokenOffset: div.tokenOffset,
    tokensAtRisk: g.lost,
    request: req.index,
    evidence: div.excerpt,
    affected: { requests: n, sessions: s },
    occurrences: g.occurrences.map(({ lineage: _l, ...o }) => o),
  };
  if (div.segment >= 0) d.segment = div.label;
  if (div.note) d.note = div.note;
  if (g.approx) d.approx = true;
  if (g.confirmed) d.providerConfirmed = true;
  return d;
}

/** The findings of one run, as their requests are read. */
export class Findings {
  private readonly groups = new Map<string, FindingGroup>();

  /** Records one occurrence under its rule and place; returns the finding's key (its first file, line, code). */
  add(rule: LoadedRule, severity: Diagnostic['severity'], messageId: string, req: KvRequest, div: TimelineDivergence, lost: number, approx: boolean): string {
    // one finding per rule and place: the line of the segment where the requests part (where in that line
    // they part depends on the values: "09:00:17" and "09:01:17" part at different characters)
    const lineInSegment = div.segment >= 0 ? countLines(req.segments[div.segment]?.text ?? '', div.charOffset) : -1;
    const key = `${rule.code}\u0000${div.label}\u0000${lineInSegment}`;
    let g = this.groups.get(key);
    if (!g) {
      g = { rule, severity, messageId, first: { req, div }, occurrences: [], sessions: new Set(), lost: 0, approx, confirmed: false };
      this.groups.set(key, g);
    }
    g.occurrences.push({ file: req.file, line: req.line, request: req.index, lineage: req.lineage });
    g.sessions.add(req.lineage);
    g.lost += lost;
    if (approx) g.approx = true;
    if (req.diagnostics) {
      const said = providerLevel(req.diagnostics);
      if (said !== undefined && said !== 'none') g.confirmed = true;
    }
    return `${g.first.req.file}\u0000${g.first.req.line}\u0000${rule.code}`;
  }

  /** The findings as diagnostics; `owns` picks those this run reports (a shard: its lineages' first requests). */
  diagnostics(owns: (lineage: string) => boolean): Diagnostic[] {
    return [...this.groups.values()].filter((g) => owns(g.first.req.lineage)).map(groupDiagnostic);
  }
}
