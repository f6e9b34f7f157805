// Inline suppressions: `kvlint-disable…` directives written in each template syntax's own comment form,
// and the pure function that applies them to a file's diagnostics and reports the ones that did nothing.
import type { Diagnostic, TemplateSyntax } from '../model.js';
import { computeLineStarts, positionAt } from '../source.js';

/** What a directive does. */
export type DirectiveKind = 'disable-next-line' | 'disable-line' | 'disable' | 'enable' | 'disable-file';

/** One `kvlint-…` directive found in a comment. */
export interface Directive {
  kind: DirectiveKind;
  /** rule ids or codes as written; empty means every rule */
  names: string[];
  /** the text after ` -- `; undefined when missing or blank */
  reason?: string;
  /** 1-based position of the comment holding the directive */
  line: number;
  column: number;
  /** 1-based position just after the comment (exclusive end, as Diagnostic.endColumn) */
  endLine: number;
  endColumn: number;
  /** the whole comment as written, e.g. `{# kvlint-disable-next-line KV101 -- dated on purpose #}` */
  text: string;
}

/** A comment found in the text: offsets of the whole comment and its inner body. */
export interface Comment {
  start: number;
  end: number;
  body: string;
}

// Whitespace-control markers (`{#-`, `-#}`, `{{~!`) are part of the delimiters, not of the directive.
const JINJA = /\{#[-+]?([\s\S]*?)[-+]?#\}/g;
// The long form first, so `{{!-- a }} b --}}` is one comment, as Handlebars reads it.
const HANDLEBARS = /\{\{~?!--([\s\S]*?)--~?\}\}|\{\{~?!([\s\S]*?)~?\}\}/g;
const HTML = /<!--([\s\S]*?)-->/g;
// `#` at the start of a line (after indentation), or after whitespace as YAML's trailing comments.
const HASH_LINE = /^[ \t]*#([^\r\n]*)/gm;
const HASH_TRAILING = /(?:^|[ \t])#([^\r\n]*)/gm;

function scan(re: RegExp, text: string, from = 0, to = text.length): Comment[] {
  const out: Comment[] = [];
  const region = text.slice(from, to);
  re.lastIndex = 0;
  for (let m = re.exec(region); m !== null; m = re.exec(region)) {
    const body = m.slice(1).find((g) => g !== undefined) ?? '';
    // For `#` forms the match may begin with the whitespace before `#`: the comment starts at `#`.
    const lead = m[0].startsWith('{') || m[0].startsWith('<') ? 0 : m[0].indexOf('#');
    out.push({ start: from + m.index + lead, end: from + m.index + m[0].length, body });
    if (m[0].length === 0) re.lastIndex++;
  }
  return out;
}

/** Offsets [start, end) of the YAML front matter's content (between the `---` fences), if any. */
export function frontMatterRange(text: string): [number, number] | undefined {
  const open = /^---[ \t]*\r?\n/.exec(text);
  if (!open) return undefined;
  const close = /^(?:---|\.\.\.)[ \t]*$/m;
  const rest = text.slice(open[0].length);
  const m = close.exec(rest);
  if (!m) return undefined;
  return [open[0].length, open[0].length + m.index];
}

/** The comments of `text` that may hold directives, for its syntax. JSON, f-strings and JS templates have none. */
function comments(text: string, syntax: TemplateSyntax): Comment[] {
  const fm = frontMatterRange(text);
  const frontMatter = (): Comment[] => (fm ? scan(HASH_TRAILING, text, fm[0], fm[1]) : []);
  switch (syntax) {
    case 'jinja':
      return scan(JINJA, text);
    case 'handlebars':
    case 'mustache':
      return scan(HANDLEBARS, text);
    case 'dotprompt':
      return [...frontMatter(), ...scan(HANDLEBARS, text, fm?.[1] ?? 0)];
    case 'prompty':
      // Prompty bodies are Jinja2 templates by default.
      return [...frontMatter(), ...scan(JINJA, text, fm?.[1] ?? 0)];
    case 'markdown':
      return [...frontMatter(), ...scan(HTML, text, fm?.[1] ?? 0)];
    case 'yaml':
      return scan(HASH_TRAILING, text);
    case 'text':
      return scan(HASH_LINE, text);
    case 'json':
    case 'fstring':
    case 'js-template':
    // source code: its parser lists the comments (a `#` or `//` inside a string is not one)
    case 'python':
    case 'typescript':
    case 'javascript':
      return [];
  }
}

const DIRECTIVE = /^kvlint-(disable-next-line|disable-line|disable-file|disable|enable)(?=\s|$)([\s\S]*)$/;
// The reason follows a `--` standing alone (ESLint's convention), so `no-crlf` is not cut at its hyphen.
const REASON_SEPARATOR = /(?:^|\s)--(?:\s|$)/;

/** Parses the inside of one comment; undefined when it is not a kvlint directive. */
function parseBody(body: string): { kind: DirectiveKind; names: string[]; reason?: string } | undefined {
  const m = DIRECTIVE.exec(body.trim());
  if (!m) return undefined;
  const rest = m[2] ?? '';
  const sep = REASON_SEPARATOR.exec(rest);
  const list = sep ? rest.slice(0, sep.index) : rest;
  const reason = sep ? rest.slice(sep.index + sep[0].length).trim() : '';
  const out: { kind: DirectiveKind; names: string[]; reason?: string } = {
    kind: m[1] as DirectiveKind,
    names: list.split(/[\s,]+/).filter((n) => n !== ''),
  };
  if (reason !== '') out.reason = reason.replace(/\s+/g, ' ');
  return out;
}

/**
 * Finds the `kvlint-…` directives in a template, in the comment forms of its syntax: Jinja `{# … #}`,
 * Handlebars / Mustache / Dotprompt `{{! … }}` and `{{!-- … --}}`, Markdown `<!-- … -->`, `#` comments in
 * YAML files and in the front matter of Dotprompt, Prompty and Markdown files, `#` lines in `.txt`.
 * JSON has no comments. Source code passes the comments its parser found (`#` and `//` lines, block comments).
 * Positions are those of the comment, 1-based; results are in file order.
 */
export function parseDirectives(text: string, syntax: TemplateSyntax, parsedComments?: readonly Comment[]): Directive[] {
  const found = (parsedComments ? [...parsedComments] : comments(text, syntax)).sort((a, b) => a.start - b.start);
  if (found.length === 0) return [];
  const file = { path: '', text, lineStarts: computeLineStarts(text), bom: false };
  const out: Directive[] = [];
  for (const c of found) {
    const parsed = parseBody(c.body);
    if (!parsed) continue;
    const start = positionAt(file, c.start);
    const end = positionAt(file, c.end);
    out.push({ ...parsed, line: start.line, column: start.column, endLine: end.line, endColumn: end.column, text: text.slice(c.start, c.end) });
  }
  return out;
}

/** A rule as directives name it. */
export interface RuleRef {
  id: string;
  code: string;
}

/** What applying the directives of one file did. */
export interface DirectiveResult {
  /** diagnostics no directive suppressed, in their original order */
  kept: Diagnostic[];
  /** directives that suppressed (or, for `enable`, re-enabled) nothing */
  unused: Directive[];
  /** rules listed in a directive that did suppress something, whose own entry suppressed nothing */
  unusedNames: { directive: Directive; name: string }[];
  /** disable directives without a `-- reason` */
  missingReason: Directive[];
  /** names in directives that are no rule's id or code */
  unknownRule: { directive: Directive; name: string }[];
}

/** A directive with its names resolved to rule ids; `ids` undefined means every rule. */
interface Resolved {
  d: Directive;
  ids: Map<string, string> | undefined; // rule id → name as written
}

const ALL = '*';

function covers(r: Resolved, ruleId: string): boolean {
  return r.ids === undefined || r.ids.has(ruleId);
}

function before(d: Directive, diag: Diagnostic): boolean {
  return d.line < diag.line || (d.line === diag.line && d.column <= diag.column);
}

/** Disable/enable state at a point: which range directive, if any, has the rule turned off. */
class RangeState {
  private all: Resolved | undefined;
  private readonly off = new Map<string, Resolved>();
  private readonly reEnabled = new Set<string>();

  /** Applies a disable/enable; returns whether an enable re-enabled anything (for unused reporting). */
  step(r: Resolved): boolean {
    if (r.d.kind === 'disable') {
      if (r.ids === undefined) {
        this.all = r;
        this.reEnabled.clear();
      } else {
        for (const id of r.ids.keys()) {
          this.off.set(id, r);
          this.reEnabled.delete(id);
        }
      }
      return true;
    }
    if (r.ids === undefined) {
      const any = this.all !== undefined || this.off.size > 0;
      this.all = undefined;
      this.off.clear();
      this.reEnabled.clear();
      return any;
    }
    let any = false;
    for (const id of r.ids.keys()) {
      if (this.off.delete(id)) any = true;
      if (this.all && !this.reEnabled.has(id)) {
        this.reEnabled.add(id);
        any = true;
      }
    }
    return any;
  }

  /** The directive that has `ruleId` disabled here, if any. */
  disabler(ruleId: string): Resolved | undefined {
    return this.off.get(ruleId) ?? (this.all && !this.reEnabled.has(ruleId) ? this.all : undefined);
  }
}

/**
 * Applies one file's directives to that file's diagnostics. A diagnostic is suppressed by the most
 * specific directive covering it: `disable-line` (the comment's lines), `disable-next-line` (the line after
 * the comment), a `disable` … `enable` range (from the comment's position on), then `disable-file`.
 * Only that directive counts as used, so a redundant one is reported. Names are ids or codes; a name
 * `resolveRule` does not know is reported and suppresses nothing. Pure: the inputs are not modified.
 */
export function applyDirectives(
  diags: readonly Diagnostic[],
  directives: readonly Directive[],
  resolveRule: (idOrCode: string) => RuleRef | undefined,
): DirectiveResult {
  const unknownRule: DirectiveResult['unknownRule'] = [];
  const resolved: Resolved[] = directives.map((d) => {
    if (d.names.length === 0) return { d, ids: undefined };
    const ids = new Map<string, string>();
    for (const name of d.names) {
      const rule = resolveRule(name);
      if (rule) ids.set(rule.id, name);
      else unknownRule.push({ directive: d, name });
    }
    return { d, ids };
  });

  // used: per directive, the rule ids (or ALL) it suppressed something for.
  const used = new Map<Resolved, Set<string>>();
  const markUsed = (r: Resolved, ruleId: string): void => {
    let s = used.get(r);
    if (!s) used.set(r, (s = new Set()));
    s.add(r.ids === undefined ? ALL : ruleId);
  };

  const lineDirs = resolved.filter((r) => r.d.kind === 'disable-line');
  const nextLineDirs = resolved.filter((r) => r.d.kind === 'disable-next-line');
  const fileDirs = resolved.filter((r) => r.d.kind === 'disable-file');
  const rangeDirs = resolved
    .filter((r) => r.d.kind === 'disable' || r.d.kind === 'enable')
    .sort((a, b) => a.d.line - b.d.line || a.d.column - b.d.column);

  // An enable is used when it turned something back on; that depends only on the directives before it.
  const enableUsed = new Set<Resolved>();
  {
    const state = new RangeState();
    for (const r of rangeDirs) if (state.step(r) && r.d.kind === 'enable') enableUsed.add(r);
  }

  const kept: Diagnostic[] = [];
  for (const diag of diags) {
    // A finding that stands for several rules (one place, folded together) answers to each rule's name.
    const ids = [diag.ruleId, ...(diag.alsoRules ?? [])];
    let by: Resolved | undefined;
    for (const id of ids) {
      by = lineDirs.find((r) => r.d.line <= diag.line && diag.line <= r.d.endLine && covers(r, id));
      by ??= nextLineDirs.find((r) => diag.line === r.d.endLine + 1 && covers(r, id));
      if (!by) {
        const state = new RangeState();
        for (const r of rangeDirs) {
          if (!before(r.d, diag)) break;
          state.step(r);
        }
        by = state.disabler(id);
      }
      by ??= fileDirs.find((r) => covers(r, id));
      if (by) break;
    }
    if (by) {
      const found = by;
      for (const id of ids) if (covers(found, id)) markUsed(found, id);
    } else kept.push(diag);
  }

  const unused: Directive[] = [];
  const unusedNames: DirectiveResult['unusedNames'] = [];
  for (const r of resolved) {
    if (r.d.kind === 'enable') {
      if (!enableUsed.has(r) && r.ids?.size !== 0) unused.push(r.d);
      continue;
    }
    if (r.ids !== undefined && r.ids.size === 0) continue; // only unknown names: reported as such
    const s = used.get(r);
    if (!s) {
      unused.push(r.d);
      continue;
    }
    if (r.ids) for (const [ruleId, name] of r.ids) if (!s.has(ruleId)) unusedNames.push({ directive: r.d, name });
  }

  const missingReason = directives.filter((d) => d.kind !== 'enable' && d.reason === undefined);
  return { kept, unused, unusedNames, missingReason, unknownRule };
}
