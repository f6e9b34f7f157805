// Few-shot examples chosen or ordered at render time: shuffled, sampled, picked by a LangChain example
// selector, or read from another file whose order is not pinned by the template.
import { defineCheck } from '../engine/rule.js';
import { exprWords, holeTag, segmentHoles } from './holes.js';
import { anyMatch, compile } from './regex.js';

/** LangChain serialized few-shot prompts: a selector, or examples given as a path to another file. */
const LANGCHAIN_SELECTOR = /["']?example_selector["']?\s*:\s*(?!null\b|~|\s*$)/gm;
const LANGCHAIN_EXAMPLES_FILE = /["']?examples["']?\s*:\s*["']?([^\s"',}\]]+\.(?:json|ya?ml|jsonl))["']?/gm;

export const fewShot = defineCheck({
  name: 'few-shot',
  scopes: ['template'],
  options: {
    patterns: {
      type: 'regexes',
      default: [],
      doc: 'regexes over the words of a template expression that make example order or choice vary (random, shuffle, sample)',
    },
  },
  messageIds: { randomized: ['tag'], selector: ['match'], externalFile: ['path'] },
  run(subject, o, ctx) {
    const { doc } = subject;
    for (const i of subject.selected) {
      const seg = doc.segments[i];
      if (!seg) continue;
      for (const h of segmentHoles(doc, seg)) {
        if (o.patterns.length && anyMatch(o.patterns, exprWords(h.expr), true)) {
          const tag = holeTag(seg, h);
          ctx.report({ messageId: 'randomized', data: { tag }, at: { segment: i, start: h.start, end: h.end }, evidence: tag });
        }
      }
    }
    // A serialized LangChain prompt keeps these in its own keys, outside any rendered segment.
    if (!/langchain|few.?shot/i.test(doc.format)) return;
    const text = doc.file.text;
    for (const m of text.matchAll(compile(LANGCHAIN_SELECTOR.source))) {
      ctx.report({ messageId: 'selector', data: { match: m[0].trim() }, at: { file: true, start: m.index, end: m.index + m[0].length } });
    }
    for (const m of text.matchAll(compile(LANGCHAIN_EXAMPLES_FILE.source))) {
      ctx.report({ messageId: 'externalFile', data: { path: m[1] ?? '' }, at: { file: true, start: m.index, end: m.index + m[0].length } });
    }
  },
});
