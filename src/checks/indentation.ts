// Tab/space indentation drift inside one segment: editors and formatters convert one into the other.
import { defineCheck } from '../engine/rule.js';

export const indentation = defineCheck({
  name: 'indentation',
  scopes: ['template'],
  options: {},
  messageIds: { mixedLine: [], mixedSegment: ['style', 'count', 'other'] },
  run(subject, _o, ctx) {
    const { doc } = subject;
    for (const i of subject.selected) {
      const seg = doc.segments[i];
      if (!seg) continue;
      const lines: Array<{ start: number; indent: string }> = [];
      for (const m of seg.text.matchAll(/^([ \t]+)(?=\S)/gm)) lines.push({ start: m.index, indent: m[1] ?? '' });
      // A space run before a tab inside one indent is always drift; a tab then spaces is alignment.
      const mixed = lines.find((l) => / \t/.test(l.indent));
      if (mixed) {
        ctx.report({ messageId: 'mixedLine', at: { segment: i, start: mixed.start, end: mixed.start + mixed.indent.length }, evidence: mixed.indent });
        continue;
      }
      const tabs = lines.filter((l) => l.indent.startsWith('\t'));
      const spaces = lines.filter((l) => l.indent.startsWith(' '));
      if (tabs.length === 0 || spaces.length === 0) continue;
      // Report the first line of the minority style.
      const [minority, majority, style, other] =
        tabs.length <= spaces.length ? [tabs, spaces, 'tabs', 'spaces'] : [spaces, tabs, 'spaces', 'tabs'];
      const first = minority[0];
      if (!first) continue;
      ctx.report({
        messageId: 'mixedSegment',
        data: { style, count: minority.length, other: `${majority.length} line${majority.length === 1 ? '' : 's'} use ${other}` },
        at: { segment: i, start: first.start, end: first.start + first.indent.length },
        evidence: first.indent,
      });
    }
  },
});
