import { ruleTester } from '../helpers/rule-tester.js';
import type { SegSpec } from '../helpers/rule-tester.js';

const tool = (name: string, extra: Record<string, unknown> = {}): SegSpec => ({
  level: 'tools',
  value: { name, description: `The ${name} tool`, input_schema: { type: 'object', properties: {} }, ...extra },
});

ruleTester.run('require-sorted-tools', {
  valid: [
    { name: 'sorted ignoring case', code: { segments: [tool('Bash'), tool('edit'), tool('Glob')] } },
    { name: 'each JSONL record sorted on its own', code: { segments: [{ ...tool('b'), group: '1' }, { ...tool('a'), group: '2' }] } },
  ],
  invalid: [
    { name: 'product order', code: { segments: [tool('Task'), tool('Bash'), tool('Glob')] }, errors: [{ messageId: 'unsorted', line: 10, column: 3, message: "tool 'Bash' comes after 'Task'" }] },
    { name: 'case-sensitive option', code: { segments: [tool('Bash'), tool('edit'), tool('Glob')] }, options: { caseSensitive: true }, errors: [{ messageId: 'unsorted', message: "'Glob' comes after 'edit'" }] },
  ],
});
