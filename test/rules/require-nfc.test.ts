import { ruleTester } from '../helpers/rule-tester.js';

ruleTester.run('require-nfc', {
  valid: [
    { name: 'composed', code: 'The caf\u00E9 menu.' },
    { name: 'combining mark with no composed form', code: 'Use q\u0307 here.' },
  ],
  invalid: [
    { name: 'decomposed é', code: 'The cafe\u0301 menu and the re\u0301sume\u0301.', errors: [{ messageId: 'notNfc', line: 1, column: 8, message: '3 character sequence(s)' }], output: 'The caf\u00E9 menu and the r\u00E9sum\u00E9.' },
  ],
});
