// Text not in Unicode NFC: the same visible word has two byte sequences, and tools that normalize
// (editors on macOS, some YAML loaders, databases) change the prefix.
import { defineCheck } from '../engine/rule.js';
import { allExact, exactEdit } from './fixes.js';

/** A character with the combining marks that follow it: the unit normalization may change. */
const CLUSTER = /\P{M}\p{M}*|\p{M}+/gu;

export const nfc = defineCheck({
  name: 'nfc',
  scopes: ['template'],
  options: {},
  messageIds: { notNfc: ['count', 'sample'] },
  run(subject, _o, ctx) {
    const { doc } = subject;
    for (const i of subject.selected) {
      const seg = doc.segments[i];
      if (!seg || seg.text.normalize('NFC') === seg.text) continue;
      const spans: Array<{ start: number; end: number; nfc: string }> = [];
      for (const m of seg.text.matchAll(CLUSTER)) {
        // ASCII never changes under NFC; skip it cheaply.
        if (m[0].length === 1 && m[0].charCodeAt(0) < 0x80) continue;
        const n = m[0].normalize('NFC');
        if (n !== m[0]) spans.push({ start: m.index, end: m.index + m[0].length, nfc: n });
      }
      const first = spans[0];
      if (!first) continue;
      const fix = allExact(spans.map((s) => exactEdit(doc.file, seg, s.start, s.end, s.nfc)));
      ctx.report({
        messageId: 'notNfc',
        data: { count: spans.length, sample: seg.text.slice(first.start, first.end) },
        at: { segment: i, start: first.start, end: first.end },
        ...(fix ? { fix } : {}),
      });
    }
  },
});
