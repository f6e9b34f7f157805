// `kvlint explain <id|code>`: a rule's docs rendered from the same YAML that drives it (as `ruff rule`).
import { KvlintError } from '../errors.js';
import { ruleHelpUri } from '../formatters/links.js';
import { decideColor, makeChalk, type Io } from '../io.js';
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

/** `error`, or with caps `error (found: at most warning)`: the levels the rule's findings can take. */
export function severityText(rule: Pick<LoadedRule, 'severity' | 'maxSeverity'>): string {
  const caps = Object.entries(rule.maxSeverity).map(([mid, sev]) => `${mid}: at most ${sev}`);
  return caps.length ? `${rule.severity} (${caps.join(', ')})` : rule.severity;
}

/** The terminal rendering of one rule. Pure. */
export function renderExplain(rule: LoadedRule, c: ChalkInstance, code?: SourceExample): string {
  const out: string[] = [];
  out.push(`${c.bold(rule.code)} ${c.bold(rule.id)}  ${c.dim(`${rule.category} · ${severityText(rule)} · ${rule.scope}${rule.fixable !== 'none' ? ` · fixable (${rule.fixable})` : ''}`)}`);
  out.push('');
  out.push(rule.docs.summary);
  if (rule.fix) {
    out.push('');
    out.push(`${c.bold('--fix')} ${rule.fix}`);
  }
  out.push('');
  out.push(c.bold('Why'));
  out.push(indent(rule.docs.why.trim()));
  if (rule.docs.targets) {
    out.push('');
    out.push(c.bold('Where it matters'));
    out.push(indent(rule.docs.targets.trim()));
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
  io.stdout.write(renderExplain(rule, makeChalk(color), loadSourceExamples()[rule.id]));
  return 0;
}
