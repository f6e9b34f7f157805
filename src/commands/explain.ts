// `kvlint explain <id|code>`: a rule's docs rendered from the same YAML that drives it (as `ruff rule`).
import { KvlintError } from '../errors.js';
import { ruleHelpUri } from '../formatters/links.js';
import { decideColor, makeChalk, terminalWidth, type Io } from '../io.js';
import { wrapText } from '../formatters/wrap.js';
import { loadRules, ruleIndex } from '../engine/registry.js';
import type { LoadedRule } from '../engine/rule.js';
import type { ChalkInstance } from 'chalk';
import { readFileSync } from 'node:fs';
import { packagePath } from '../paths.js';
import { yaml } from '../yaml.js';

/** A rule's example in application code: a prompt assembled by an SDK call, bad and good. */
export interface SourceExample {
  bad: { file: string; text: string };
  good: { file: string; text: string };
}

/** The code examples of the rules that judge prompts built in source code (data/source-examples.yaml), by rule id. */
export function loadSourceExamples(): Record<string, SourceExample> {
  const text = readFileSync(packagePath('data', 'source-examples.yaml'), 'utf8');
  return (yaml().parse(text) ?? {}) as Record<string, SourceExample>;
}

function indent(text: string, pad = '  '): string {
  return text
    .replace(/\s+$/, '')
    .split('\n')
    .map((l) => (l ? pad + l : l))
    .join('\n');
}

/** `error`, or with caps `error/warning`: the levels the rule's findings can take (short, for the header). */
export function severityText(rule: Pick<LoadedRule, 'severity' | 'maxSeverity'>): string {
  return [rule.severity, ...new Set(Object.values(rule.maxSeverity))].join('/');
}

/** Which findings are capped below the rule's severity (`found: at most warning`), or undefined. */
export function severityCaps(rule: Pick<LoadedRule, 'severity' | 'maxSeverity'>): string | undefined {
  const caps = Object.entries(rule.maxSeverity).map(([mid, sev]) => `${mid}: at most ${sev}`);
  return caps.length ? `Severity ${rule.severity}; ${caps.join(', ')} (a suspicion, not a certain break)` : undefined;
}

/** Prose read in a pager or a log still wraps: paragraphs of 800 characters are not read. */
export const EXPLAIN_FALLBACK_WIDTH = 80;

/**
 * Prose wrapped to `width` with `pad` before every line; each line of the source is its own paragraph,
 * and a bulleted one (`- `, `* `, `1. `) hangs its continuation lines under the bullet's text.
 */
function wrapProse(text: string, width: number, pad = ''): string {
  return text
    .replace(/\s+$/, '')
    .split('\n')
    .map((l) => {
      if (l.trim() === '') return '';
      const lead = /^\s*(?:[-*] |\d+\. )?/.exec(l)![0];
      const hang = pad + ' '.repeat(lead.length);
      return wrapText(l.slice(lead.length), Math.max(20, width - hang.length))
        .map((w, i) => (i === 0 ? pad + lead : hang) + w)
        .join('\n');
    })
    .join('\n');
}

/**
 * The terminal rendering of one rule, its prose wrapped to `width` columns (the bad and good examples
 * are shown as written: they are file contents), and the rule's source-code example when it has one. Pure.
 */
export function renderExplain(rule: LoadedRule, c: ChalkInstance, width = EXPLAIN_FALLBACK_WIDTH, code?: SourceExample): string {
  const out: string[] = [];
  out.push(`${c.bold(rule.code)} ${c.bold(rule.id)}  ${c.dim(`${rule.category} · ${rule.severity} · ${rule.scope}${rule.fixable !== 'none' ? ` · fixable (${rule.fixable})` : ''}`)}`);
  out.push('');
  out.push(wrapProse(rule.docs.summary, width));
  const caps = severityCaps(rule);
  if (caps) {
    out.push('');
    out.push(wrapProse(caps, width));
  }
  if (rule.fix) {
    out.push('');
    out.push(wrapProse(`${c.bold('--fix')} ${rule.fix}`, width));
  }
  out.push('');
  out.push(c.bold('Why'));
  out.push(wrapProse(rule.docs.why.trim(), width, '  '));
  if (rule.docs.targets) {
    out.push('');
    out.push(c.bold('Where it matters'));
    out.push(wrapProse(rule.docs.targets.trim(), width, '  '));
  }
  out.push('');
  out.push(c.bold(`Bad  ${c.dim(`(${rule.docs.bad.file})`)}`));
  out.push(c.red(indent(rule.docs.bad.text)));
  out.push('');
  out.push(c.bold(`Good ${c.dim(`(${rule.docs.good.file})`)}`));
  out.push(c.green(indent(rule.docs.good.text)));
  out.push('');
  if (code) {
    out.push(c.bold(`In code, bad  ${c.dim(`(${code.bad.file})`)}`));
    out.push(c.red(indent(code.bad.text)));
    out.push('');
    out.push(c.bold(`In code, good ${c.dim(`(${code.good.file})`)}`));
    out.push(c.green(indent(code.good.text)));
    out.push('');
  }
  out.push(c.dim(`Docs: ${ruleHelpUri(rule.code)}`));
  return `${out.join('\n')}\n`;
}

export async function runExplain(name: string, opts: { color?: boolean }, io: Io): Promise<number> {
  const rules = loadRules();
  const rule = ruleIndex(rules)(name) ?? ruleIndex(rules)(name.toUpperCase());
  if (!rule) {
    throw new KvlintError('KVE101', `no rule '${name}'`, { hint: 'run `kvlint rules` to list the rule ids and codes' });
  }
  const color = decideColor({ flag: opts.color, env: io.env, isTTY: io.stdout.isTTY });
  io.stdout.write(renderExplain(rule, makeChalk(color), terminalWidth(io.env, io.stdout) ?? EXPLAIN_FALLBACK_WIDTH, loadSourceExamples()[rule.id]));
  return 0;
}
