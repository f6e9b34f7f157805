import { ruleTester } from '../helpers/rule-tester.js';

const t = (name: string, group?: string) => ({ level: 'tools' as const, value: { name, input_schema: { type: 'object' } }, ...(group ? { group } : {}) });

ruleTester.run('no-duplicate-tool-names', {
  valid: [
    { name: 'unique', code: { segments: [t('a'), t('b')] } },
    { name: 'same name in different records', code: { segments: [t('a', '1'), t('a', '2')] } },
  ],
  invalid: [
    { name: 'duplicate', code: { segments: [t('search'), t('fetch'), t('search')] }, errors: [{ messageId: 'duplicate', message: "'search' is already used by tools[0] search" }] },
  ],
});
