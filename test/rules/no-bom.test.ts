import { ruleTester } from '../helpers/rule-tester.js';

ruleTester.run('no-bom', {
  valid: [{ name: 'no BOM', code: 'You are a translator.' }],
  invalid: [
    {
      name: 'BOM',
      code: { segments: [{ level: 'system', text: 'You are a translator.' }], doc: { bom: true, syntax: 'text' } },
      errors: [{ messageId: 'bom', line: 1, column: 1 }],
      output: 'You are a translator.',
    },
  ],
});
