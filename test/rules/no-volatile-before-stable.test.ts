import { ruleTester } from '../helpers/rule-tester.js';

ruleTester.run('no-volatile-before-stable', {
  valid: [
    { name: 'static system, variable in the user turn', code: { segments: [{ level: 'system', text: 'You are a support agent.' }, { level: 'messages', text: '{{ question }}' }] } },
    { name: 'variable at the very end of the system prompt', code: { segments: [{ level: 'system', text: 'You are a support agent.\nContext: {{ context }}' }] } },
    { name: 'include is fixed at deploy time', code: { segments: [{ level: 'system', text: "{% include 'rules.j2' %}\nYou are a support agent." , placeholders: [{ start: 0, end: 25, expr: "include 'rules.j2'", kind: 'include' }] }] } },
  ],
  invalid: [
    {
      name: 'context at the top',
      code: { segments: [{ level: 'system', text: 'Context: {{ context }}\nYou are a support agent. Answer from the context only.' }] },
      errors: [{ messageId: 'beforeStable', line: 1, column: 10, message: 'ahead of 12 static tokens', severity: 'error' }],
    },
    {
      name: 'a {name} field in plain text is a suspicion (a warning saying why)',
      code: { segments: [{ level: 'system', text: 'Context: {context}\nYou are a support agent. Answer from the context only.', placeholders: [{ start: 9, end: 18, expr: 'context', kind: 'variable' }] }], doc: { syntax: 'text' } },
      errors: [{ messageId: 'plainText', line: 1, column: 10, severity: 'warning', message: 'if this text is a format string' }],
    },
    {
      name: 'reports the first of several and counts the rest',
      code: { segments: [{ level: 'system', text: 'Hi {{ a }} and {{ b }}.\nYou are a support agent.' }] },
      errors: [{ messageId: 'beforeStable', message: '(1 more template value follow' }],
    },
  ],
});
