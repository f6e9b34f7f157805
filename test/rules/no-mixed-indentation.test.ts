import { ruleTester } from '../helpers/rule-tester.js';

ruleTester.run('no-mixed-indentation', {
  valid: [
    { name: 'spaces only', code: 'Rules:\n  - a\n    - b' },
    { name: 'tabs only', code: 'Rules:\n\t- a\n\t\t- b' },
    { name: 'tab then alignment spaces', code: 'Rules:\n\t  - a\n\t  - b' },
  ],
  invalid: [
    { name: 'minority tabs', code: 'Rules:\n  - a\n\t- b\n  - c', errors: [{ messageId: 'mixedSegment', line: 3, column: 1, message: '1 line(s) indented with tabs while 2 lines use spaces' }] },
    { name: 'space before tab on one line', code: 'Rules:\n \t- a', errors: [{ messageId: 'mixedLine', line: 2 }] },
  ],
});
