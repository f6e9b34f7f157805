// A UTF-8 byte-order mark: some loaders keep it as U+FEFF at the start of the prompt, others strip it.
import { defineCheck } from '../engine/rule.js';

export const bom = defineCheck({
  name: 'bom',
  scopes: ['template'],
  options: {},
  messageIds: { bom: [] },
  run(subject, _o, ctx) {
    if (!subject.doc.file.bom) return;
    // SourceFile.text has the BOM stripped already, so writing the fixed text back drops it: the edit
    // is empty and only marks the finding fixable.
    ctx.report({ messageId: 'bom', at: { file: true, start: 0, end: 0 }, evidence: 'U+FEFF', fix: [{ start: 0, end: 0, text: '' }] });
  },
});
