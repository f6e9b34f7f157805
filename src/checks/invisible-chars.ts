// Zero-width characters and no-break spaces: invisible in review, so a copy-paste that adds or drops one
// changes the prefix without a visible diff.
import { defineCheck } from '../engine/rule.js';
import { exactEdit } from './fixes.js';

const NAMES: Record<string, string> = {
  '\u200B': 'ZERO WIDTH SPACE (U+200B)',
  '\u200C': 'ZERO WIDTH NON-JOINER (U+200C)',
  '\u200D': 'ZERO WIDTH JOINER (U+200D)',
  '\u2060': 'WORD JOINER (U+2060)',
  '\uFEFF': 'ZERO WIDTH NO-BREAK SPACE (U+FEFF)',
  '\u00A0': 'NO-BREAK SPACE (U+00A0)',
  '\u202F': 'NARROW NO-BREAK SPACE (U+202F)',
  '\u2007': 'FIGURE SPACE (U+2007)',
  '\u00AD': 'SOFT HYPHEN (U+00AD)',
};
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00A0\u202F\u2007\u00AD]/gu;
/** Joiners are meaningful between emoji (family sequences) and in Indic and Arabic-script words. */
const JOINER_CONTEXT = /[\p{Extended_Pictographic}\u{FE0F}\p{Script=Arabic}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Malayalam}\p{Script=Gujarati}\p{Script=Gurmukhi}\p{Script=Sinhala}\p{Script=Oriya}]/u;

export const invisibleChars = defineCheck({
  name: 'invisible-chars',
  scopes: ['template'],
  options: {
    noBreakSpaces: { type: 'boolean', default: true, doc: 'also report no-break spaces (U+00A0, U+202F, U+2007)' },
  },
  messageIds: { invisible: ['name'] },
  run(subject, o, ctx) {
    const { doc } = subject;
    for (const i of subject.selected) {
      const seg = doc.segments[i];
      if (!seg) continue;
      const text = seg.text;
      for (const m of text.matchAll(INVISIBLE)) {
        const ch = m[0];
        const at = m.index;
        const nbsp = ch === '\u00A0' || ch === '\u202F' || ch === '\u2007';
        if (nbsp && !o.noBreakSpaces) continue;
        if (ch === '\u200C' || ch === '\u200D') {
          if (JOINER_CONTEXT.test(charBefore(text, at)) || JOINER_CONTEXT.test(charAfter(text, at + 1))) continue;
        }
        // Zero-width characters are removed; no-break spaces become spaces.
        const edit = exactEdit(doc.file, seg, at, at + 1, nbsp ? ' ' : '');
        ctx.report({
          messageId: 'invisible',
          data: { name: NAMES[ch] ?? `U+${ch.codePointAt(0)?.toString(16).toUpperCase()}` },
          at: { segment: i, start: at, end: at + 1 },
          evidence: NAMES[ch] ?? ch,
          ...(edit ? { fix: [edit] } : {}),
        });
      }
    }
  },
});

/** The code point ending just before `at`, as a string ('' at the start). */
function charBefore(text: string, at: number): string {
  if (at <= 0) return '';
  const low = text.charCodeAt(at - 1);
  const start = low >= 0xdc00 && low <= 0xdfff && at >= 2 ? at - 2 : at - 1;
  return String.fromCodePoint(text.codePointAt(start) ?? 0);
}

/** The code point starting at `at`, as a string ('' at the end). */
function charAfter(text: string, at: number): string {
  const cp = text.codePointAt(at);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}
