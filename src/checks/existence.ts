// Regex hits in the literal text of the selected segments (text inside template holes is skipped: the
// `placeholder` patterns look at holes). The workhorse of the breaker rules.
import { defineCheck } from '../engine/rule.js';
import { overlapsHole, segmentHoles } from './holes.js';
import { PLACEHOLDER_KINDS, reportHoles } from './placeholder.js';
import { anyMatch, compile } from './regex.js';

/** Syntaxes with placeholders of their own: literal text in them is static. */
const TEMPLATE_LANGUAGES: ReadonlySet<string> = new Set(['jinja', 'handlebars', 'mustache', 'dotprompt', 'prompty', 'fstring', 'python', 'typescript', 'javascript']);

/** How far back on the same line `excludeBefore` looks. */
const CONTEXT_CHARS = 80;

interface Hit {
  start: number;
  end: number;
  match: string;
}

/** The literal options `literalHits` reads (a rule's `with`, merged over the defaults). */
export interface LiteralOptions {
  patterns: readonly string[];
  ignoreCase: boolean;
  exclude: readonly string[];
  excludeBefore: readonly string[];
}

/**
 * Every hit of the patterns in `text`, after `exclude` and `excludeBefore`: what a rule reports in a
 * template's literal text, and what classifies a change between two logged requests (src/engine/pair.ts).
 */
export function literalHits(text: string, o: LiteralOptions): Hit[] {
  const hits: Hit[] = [];
  for (const p of o.patterns) {
    for (const m of text.matchAll(compile(p, o.ignoreCase))) {
      // A pattern may match context it does not report (a cue word before a date): its `hit` group is
      // the finding. Cheaper than a variable-length lookbehind, which re-scans at every position.
      const span = m.indices?.groups?.['hit'];
      const start = span ? span[0] : m.index;
      const end = span ? span[1] : start + m[0].length;
      if (end === start) continue;
      if (o.exclude.length && anyMatch(o.exclude, m[0], o.ignoreCase)) continue;
      if (o.excludeBefore.length) {
        const lineStart = text.lastIndexOf('\n', start - 1) + 1;
        const before = text.slice(Math.max(lineStart, start - CONTEXT_CHARS), start);
        if (anyMatch(o.excludeBefore, before, true)) continue;
      }
      hits.push({ start, end, match: text.slice(start, end) });
    }
  }
  return hits;
}

export const existence = defineCheck({
  name: 'existence',
  scopes: ['template'],
  options: {
    patterns: {
      type: 'regexes',
      default: [],
      doc: 'regexes over segment text (flags g, m, u); each match is a finding (messageId found), or its named group `hit` when it has one',
    },
    certainPatterns: {
      type: 'regexes',
      default: [],
      doc:
        'like patterns, for literal text that cannot be the same for every user (a personal mailbox at a consumer mail domain); ' +
        'reported with messageId certain, which keeps the rule severity while found may be capped by maxSeverity',
    },
    ignoreCase: { type: 'boolean', default: false, doc: 'match `patterns` case-insensitively' },
    exclude: { type: 'regexes', default: [], doc: 'a hit whose text matches any of these is not reported' },
    excludeBefore: {
      type: 'regexes',
      default: [],
      doc: `a hit is not reported when the text before it on its line (up to ${CONTEXT_CHARS} characters) matches any of these (e.g. "for example")`,
    },
    placeholderPatterns: { type: 'regexes', default: [], doc: 'also report template holes whose expression words match (see the placeholder check)' },
    placeholderExclude: { type: 'regexes', default: [], doc: 'holes whose expression words match any of these are not reported' },
    placeholderKinds: { type: 'strings', default: ['variable'], doc: 'placeholder kinds to look at; blocks (if/for/each) are left out by default because the variables they wrap are reported themselves, and loops have KV205' },
    literalsInTemplates: {
      type: 'boolean',
      default: true,
      doc:
        'report literal-text hits in files written in a template language (Jinja, Handlebars, Mustache, Dotprompt, Prompty, f-strings); ' +
        'false when only rendered text can vary: there the literal text is fixed at deploy time and only the placeholders change',
    },
  },
  messageIds: { found: ['match'], certain: ['match'], placeholder: ['tag', 'expr'] },
  emits: (o) => [
    ...(o.patterns.length ? ['found'] : []),
    ...(o.certainPatterns.length ? ['certain'] : []),
    ...(o.placeholderPatterns.length ? ['placeholder'] : []),
  ],
  validate: (o) =>
    o.patterns.length === 0 && o.certainPatterns.length === 0 && o.placeholderPatterns.length === 0
      ? "options 'patterns' and 'placeholderPatterns' are both empty: the check would never report"
      : o.placeholderKinds.find((k) => !(PLACEHOLDER_KINDS as readonly string[]).includes(k))
        ? `option 'placeholderKinds' accepts only: ${PLACEHOLDER_KINDS.join(', ')}`
        : undefined,
  run(subject, o, ctx) {
    const { doc } = subject;
    // A captured prompt (.txt, .md, a request body) shows what was sent: its literal dates and names were
    // rendered per request. A template's literal text is the same on every request.
    const literalsVary = o.literalsInTemplates || !TEMPLATE_LANGUAGES.has(doc.syntax);
    for (const i of subject.selected) {
      const seg = doc.segments[i];
      if (!seg || (o.patterns.length === 0 && o.certainPatterns.length === 0) || !literalsVary) continue;
      const holes = segmentHoles(doc, seg);
      // certain hits (a personal mailbox) and suspected ones (any literal the patterns find)
      const hits = [
        ...literalHits(seg.text, { ...o, patterns: o.certainPatterns }).map((h) => ({ ...h, certain: true })),
        ...literalHits(seg.text, o).map((h) => ({ ...h, certain: false })),
      ].filter((h) => !overlapsHole(holes, h.start, h.end));
      // Several patterns may find the same text: keep the earliest, longest, non-overlapping hits, a
      // certain hit before a suspected one of the same span.
      hits.sort((a, b) => a.start - b.start || b.end - a.end || Number(b.certain) - Number(a.certain));
      let covered = -1;
      for (const h of hits) {
        if (h.start < covered) continue;
        covered = h.end;
        ctx.report({ messageId: h.certain ? 'certain' : 'found', data: { match: h.match.trim() }, at: { segment: i, start: h.start, end: h.end } });
      }
    }
    reportHoles(subject, ctx, { patterns: o.placeholderPatterns, exclude: o.placeholderExclude, kinds: o.placeholderKinds, messageId: 'placeholder' });
  },
});
