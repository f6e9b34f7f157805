// Linting the requests a source file builds: each SDK call is its own request, judged by the template
// rules that read what is interpolated where. Findings of a prompt shared by several calls are kept once.
import type { Diagnostic, PromptDoc } from '../model.js';
import type { SourceRequestDoc } from '../normalize/source/index.js';
import { compareDiagnostics } from '../report.js';
import { foldFindings, lintPrompt, type LintContext } from './lint.js';
import type { LoadedRule, RuleSettings } from './rule.js';

/**
 * Checks that apply to prompts assembled in code: they judge holes (what is interpolated, where, in what
 * order) and tool lists. The others read the bytes of a file written as a prompt (BOM, line endings,
 * indentation, invisible characters) or advise on cache setup (breakpoints, minimum prefix), which in
 * code would report every constant prompt.
 */
export const SOURCE_CHECKS: ReadonlySet<string> = new Set([
  'placeholder',
  'existence',
  'volatile-before-stable',
  'unordered-iteration',
  'few-shot',
  'tool-order',
  'tool-duplicates',
]);

/** True for a rule that judges prompts built in source code. */
export function appliesToSource(rule: LoadedRule): boolean {
  return rule.scope === 'template' && SOURCE_CHECKS.has(rule.check);
}

/**
 * Lints each request of a source file with the rules that apply to source; `contextFor` gives each
 * request's tokenizer and minimum (requests may name different models).
 */
export async function lintSourceRequests(
  requests: readonly SourceRequestDoc[],
  rules: readonly LoadedRule[],
  settings: RuleSettings,
  contextFor: (req: SourceRequestDoc) => Promise<LintContext>,
): Promise<Diagnostic[]> {
  const applicable = rules.filter(appliesToSource);
  const placement = applicable.filter((r) => r.check === 'volatile-before-stable');
  const others = applicable.filter((r) => r.check !== 'volatile-before-stable');
  // A tool list written as one literal keeps its order on every request: sorting is style, not a risk.
  const literalTools = others.filter((r) => r.check !== 'tool-order');
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const req of requests) {
    const ctx = await contextFor(req);
    // one finding per place across the two passes (KV106 folded into KV102 on one clock hole)
    const found = foldFindings(
      [
        ...lintPrompt(req.doc, req.toolOrderFixed ? literalTools : others, settings, ctx),
        // Tools computed by code (`tools=get_tools()`) are not text that could move to the user turn:
        // for placement they count as fixed; what they interpolate and their order are judged above.
        ...(placement.length ? lintPrompt(toolsFixed(req.doc), placement, settings, ctx) : []),
      ],
      applicable,
    );
    for (const d of found) {
      const key = `${d.ruleId}\0${d.messageId}\0${d.line}\0${d.column}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(d);
    }
  }
  return out.sort(compareDiagnostics);
}

/** The doc with the holes of its tool segments counted as fixed (includes) rather than variables. */
function toolsFixed(doc: PromptDoc): PromptDoc {
  if (!doc.segments.some((s) => s.level === 'tools' && s.placeholders?.length)) return doc;
  return {
    ...doc,
    segments: doc.segments.map((s) =>
      s.level === 'tools' && s.placeholders ? { ...s, placeholders: s.placeholders.map((p) => ({ ...p, kind: 'include' as const })) } : s,
    ),
  };
}
