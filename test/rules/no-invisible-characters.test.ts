import { ruleTester } from '../helpers/rule-tester.js';

ruleTester.run('no-invisible-characters', {
  valid: [
    { name: 'plain', code: 'You are a helpful assistant.' },
    { name: 'ZWJ inside an emoji sequence', code: 'Family: 👨\u200D👩\u200D👧 is one emoji.' },
    { name: 'no-break spaces allowed by option', code: 'Price: 10\u00A0EUR', options: { noBreakSpaces: false } },
  ],
  invalid: [
    { name: 'zero-width space', code: 'You are a\u200B helpful assistant.', errors: [{ messageId: 'invisible', line: 1, column: 10, message: 'ZERO WIDTH SPACE (U+200B)' }], output: 'You are a helpful assistant.' },
    { name: 'no-break space', code: 'Price: 10\u00A0EUR', errors: [{ messageId: 'invisible', message: 'NO-BREAK SPACE' }], output: 'Price: 10 EUR' },
  ],
});
