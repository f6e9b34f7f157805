import { ruleTester } from '../helpers/rule-tester.js';

const sys = (text: string) => ({ segments: [{ level: 'system' as const, text }, { level: 'messages' as const, text: '{{ question }}' }] });

ruleTester.run('no-clock-placeholder', {
  valid: [
    { name: 'static system', code: sys('You are a helpful assistant.') },
    { name: 'knowledge cutoff date is fixed per model', code: sys('Knowledge cutoff: {{ knowledge_cutoff_date }}. Be brief.') },
    { name: 'time limit is not a clock', code: sys('Answer within {{ time_limit }} seconds. Be brief.') },
    {
      name: 'clock on the last line of the system prompt: nothing cacheable after it',
      code: { segments: [{ level: 'system', text: 'You are a helpful assistant. Answer briefly and precisely.\nCurrent time: {{ now }}\n' }] },
    },
    { name: 'clock in the final user turn', code: { segments: [{ level: 'system', text: 'Be brief.' }, { level: 'messages', text: 'Now: {{ now }}' }] } },
  ],
  invalid: [
    { name: 'currentDateTime', code: sys('The current date is {{currentDateTime}}.\nBe brief.'), errors: [{ messageId: 'placeholder', line: 1, column: 21 }] },
    {
      name: '{{ now }} in a system prompt ahead of static text (certain: an error)',
      code: { segments: [{ level: 'system', text: 'Current time: {{ now }}\nYou are a helpful assistant. Answer briefly and precisely.' }] },
      errors: [{ messageId: 'placeholder', line: 1, column: 15, severity: 'error', message: 'precedes 11 cacheable tokens' }],
    },
    { name: 'runtime_info.date', code: sys("Today's date is {{ runtime_info.date }} (UTC). Be brief."), errors: [{ messageId: 'placeholder', message: '{{ runtime_info.date }}' }] },
    { name: 'JS template literal', code: sys('It is ${new Date().toISOString()} now. Be brief.'), errors: [{ messageId: 'placeholder' }] },
    { name: 'python f-string in plain text', code: { segments: [{ level: 'system', text: '# Current Time\n{datetime}\nBe brief.' }], doc: { syntax: 'text' } }, errors: [{ messageId: 'placeholder', line: 2, column: 1 }] },
  ],
});
