import { ruleTester } from '../helpers/rule-tester.js';

const min = { tokens: 20, model: 'claude-sonnet-4-5', source: 'test price table', asOf: '2025-08-01' };

ruleTester.run('require-min-cacheable-prefix', {
  valid: [
    { name: 'no model chosen', code: 'You are a helpful assistant.' },
    { name: 'long enough', code: 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty twentyone', minCacheable: min },
    { name: 'a tools file is only the head of a prompt', code: { segments: [{ level: 'tools', value: { name: 'a' } }] }, minCacheable: min },
    { name: 'nothing cacheable', code: { segments: [{ level: 'messages', text: '{{ question }}' }] }, minCacheable: min },
  ],
  invalid: [
    {
      name: 'below the model minimum, no breakpoint: info (nothing is paid for the miss)',
      code: 'You are a helpful assistant.',
      minCacheable: min,
      errors: [{ messageId: 'unmarked', severity: 'info', message: 'the cacheable prefix is 6 tokens, below the 20-token minimum of claude-sonnet-4-5 (price row claude-sonnet-4-5, as of 2025-08-01)' }],
    },
    { name: 'minimum from the rule option', code: 'You are a helpful assistant.', options: { minTokens: 50 }, errors: [{ messageId: 'unmarked', severity: 'info', message: 'below the 50-token minimum' }] },
    {
      name: 'below the minimum under a cache breakpoint: a warning (the writes are paid for nothing)',
      code: { segments: [{ level: 'system', text: 'You are a helpful assistant.', cacheMarker: true }, { level: 'messages', text: '{{ question }}' }] },
      minCacheable: min,
      errors: [{ messageId: 'tooShort', severity: 'warning', message: 'the cache breakpoint buys nothing' }],
    },
    {
      name: 'below the minimum with automatic caching turned on: a warning',
      code: { segments: [{ level: 'system', text: 'You are a helpful assistant.' }], doc: { autoCache: true } },
      minCacheable: min,
      errors: [{ messageId: 'tooShort', severity: 'warning' }],
    },
  ],
});
