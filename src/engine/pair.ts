// The pair pass of the one rule engine: two logged requests that would share a cached prefix differ.
// A rule that names a `cause` reports the pairs classified as that cause, with its own message; a rule
// whose check is `existence` also classifies: a change its patterns match (outside its exclusions) is
// its cause. So a template and a logged request are judged by the same YAML patterns, and config
// (off, severity, options) reaches log findings through the same settings.
import { literalHits, type LiteralOptions } from '../checks/existence.js';
import { CHECKS } from '../checks/index.js';
import type { Diagnostic } from '../model.js';
import { renderMessage, resolveOptions } from './lint.js';
import type { LoadedRule, PairSubject, RuleSettings } from './rule.js';

/** Classifies a change inside one segment's text: does this rule's pattern match the changed span? */
export interface PairClassifier {
  cause: string;
  /** true when a hit in `text` overlaps [start, end) */
  matches(text: string, start: number, end: number): boolean;
}

/** How much text around a change the patterns see: enough for a cue word before a date ("Current time: "). */
const BEFORE = 80;
const AFTER = 48;

/** The pair rules of a rule set under some settings: the classifiers, and the rule that reports each cause. */
export interface PairRules {
  classifiers: PairClassifier[];
  ruleFor(cause: string): { rule: LoadedRule; severity: Diagnostic['severity'] | 'off' } | undefined;
}

/**
 * Builds the pair rules. A rule turned off still classifies (a change is what it is) but reports nothing
 * (`ruleFor` gives severity 'off'); its options from config apply to its patterns.
 */
export function pairRules(rules: readonly LoadedRule[], settings?: RuleSettings): PairRules {
  const classifiers: PairClassifier[] = [];
  const byCause = new Map<string, { rule: LoadedRule; severity: Diagnostic['severity'] | 'off' }>();
  for (const rule of [...rules].sort((a, b) => (a.code < b.code ? -1 : 1))) {
    if (rule.cause === undefined) continue;
    const setting = settings?.get(rule.id);
    const options = setting?.options ? resolveOptions(rule, setting.options) : rule.options;
    if (rule.check === 'existence' && Array.isArray(options['patterns']) && (options['patterns'] as unknown[]).length > 0) {
      const lit = options as unknown as LiteralOptions;
      classifiers.push({
        cause: rule.cause,
        matches(text, start, end) {
          const from = Math.max(0, start - BEFORE);
          const window = text.slice(from, Math.min(text.length, Math.max(end, start + 1) + AFTER));
          const s = start - from;
          const e = Math.max(end, start + 1) - from;
          return literalHits(window, lit).some((h) => h.start < e && h.end > s);
        },
      });
    }
    const severity = setting?.severity ?? rule.severity;
    if (!byCause.has(rule.cause)) byCause.set(rule.cause, { rule, severity });
  }
  return { classifiers, ruleFor: (cause) => byCause.get(cause) };
}

/** The pair data a message is rendered with once a finding's occurrences are all known. */
export interface PairMessageData {
  place: string;
  lost: string;
  affected: string;
  detail: string;
}

/**
 * Runs a rule's pair check over one pair: the messageId it reports, or undefined when it does not. The
 * divergence check is the pair check of every rule with a cause (existence rules classify, then report
 * through it).
 */
export function runPair(rule: LoadedRule, subject: PairSubject): string | undefined {
  const impl = rule.impl.pair ? rule.impl : CHECKS.get('divergence')!;
  let messageId: string | undefined;
  impl.pair!(subject, rule.impl.pair ? rule.options : {}, { cause: rule.cause, report: (r) => (messageId ??= r.messageId) });
  return messageId;
}

/** A rule's pair message with its data filled in (strings redacted and shortened as every message's are). */
export function pairMessage(rule: LoadedRule, messageId: string, data: PairMessageData): string {
  const template = rule.messages[messageId] ?? '{{detail}}';
  return renderMessage(template, { ...data });
}
