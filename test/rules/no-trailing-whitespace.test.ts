import { ruleTester } from '../helpers/rule-tester.js';

ruleTester.run('no-trailing-whitespace', {
  valid: [
    { name: 'clean', code: 'You are a helpful assistant.\nBe brief.\n' },
    { name: 'blank lines skipped by option', code: 'One.\n   \nTwo.', options: { skipBlankLines: true } },
  ],
  invalid: [
    {
      name: 'two lines',
      code: 'You are a SQL assistant.  \nWrite PostgreSQL only.\t\r\nDone.',
      errors: [{ messageId: 'trailing', line: 1, column: 25, message: '2 trailing' }, { messageId: 'trailing', line: 2, column: 23 }],
      output: 'You are a SQL assistant.\nWrite PostgreSQL only.\r\nDone.',
    },
  ],
});
