import { ruleTester } from '../helpers/rule-tester.js';

ruleTester.run('no-crlf', {
  valid: [
    { name: 'LF', code: 'You are a helpful assistant.\nBe brief.\n' },
    { name: 'CRLF in a user turn outside the cacheable region', code: { segments: [{ level: 'system', text: 'Be brief.' }, { level: 'messages', text: 'Q:\r\n{{ q }}' }] } },
  ],
  invalid: [
    { name: 'CRLF', code: 'You are a helpful assistant.\r\nBe brief.\r\n', errors: [{ messageId: 'crlf', line: 1, column: 29, message: '2 CRLF line endings' }], output: 'You are a helpful assistant.\nBe brief.\n' },
    { name: 'mixed', code: 'One.\r\nTwo.\nThree.\r', errors: [{ messageId: 'mixed', message: '(2 CRLF, 1 LF)' }], output: 'One.\nTwo.\nThree.\n' },
  ],
});
