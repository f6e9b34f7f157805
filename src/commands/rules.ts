// `kvlint rules`: the built-in rules, as a table or JSON.
import { ruleHelpUri } from '../formatters/links.js';
import type { Io } from '../io.js';
import { loadRules } from '../engine/registry.js';

export async function runRules(opts: { format: 'table' | 'json' }, io: Io): Promise<number> {
  const rules = loadRules();
  if (opts.format === 'json') {
    const rows = rules.map((r) => ({
      code: r.code,
      id: r.id,
      category: r.category,
      severity: r.severity,
      scope: r.scope,
      recommended: r.recommended,
      ...(Object.keys(r.maxSeverity).length ? { maxSeverity: r.maxSeverity } : {}),
      fixable: r.fixable,
      ...(r.fix ? { fix: r.fix } : {}),
      summary: r.docs.summary,
      helpUri: ruleHelpUri(r.code),
    }));
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  const head = ['code', 'id', 'category', 'severity', 'scope', 'fix', 'summary'];
  // `error/warning`: certain findings are errors, suspicions warnings (the rule's maxSeverity)
  const severity = (r: (typeof rules)[number]) => [r.severity, ...new Set(Object.values(r.maxSeverity))].join('/');
  const rows = rules.map((r) => [r.code, r.id, r.category, severity(r), r.scope, r.fixable === 'none' ? '' : r.fixable, r.docs.summary]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  // what --fix does, per fixable rule, under the table (too long for a column)
  const fixes = rules.filter((r) => r.fix).map((r) => `  ${r.code.padEnd(6)} ${r.fix}`);
  const footer = fixes.length ? ['', 'fixable with --fix:', ...fixes] : [];
  io.stdout.write(`${[line(head), ...rows.map(line), ...footer].join('\n')}\n`);
  return 0;
}
