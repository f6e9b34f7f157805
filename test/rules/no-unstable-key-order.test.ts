import { ruleTester } from '../helpers/rule-tester.js';

const schema = (order: 'pr' | 'rp') =>
  order === 'pr'
    ? { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] }
    : { type: 'object', required: ['q'], properties: { q: { type: 'string' } } };

ruleTester.run('no-unstable-key-order', {
  valid: [
    { name: 'same order everywhere', code: { segments: [{ level: 'tools', value: { name: 'a', input_schema: schema('pr') } }, { level: 'tools', value: { name: 'b', input_schema: schema('pr') } }] } },
    { name: 'different key sets are not drift', code: { segments: [{ level: 'tools', value: { name: 'a', input_schema: { type: 'object' } } }, { level: 'tools', value: { type: 'custom', name: 'b', input_schema: schema('pr') } }] } },
    { name: 'property order is the author\'s', code: { segments: [{ level: 'tools', value: { name: 'a', input_schema: { type: 'object', properties: { x: {}, y: {} } } } }, { level: 'tools', value: { name: 'b', input_schema: { type: 'object', properties: { y: {}, x: {} } } } }] } },
    { name: 'skipped when key order is unknown', code: { segments: [{ level: 'tools', value: { name: 'a', input_schema: schema('pr') } }, { level: 'tools', value: { name: 'b', input_schema: schema('rp') } }], doc: { keyOrderUnknown: true } } },
  ],
  invalid: [
    {
      name: 'required before properties in one tool only',
      code: { segments: [{ level: 'tools', value: { name: 'a', input_schema: schema('pr') } }, { level: 'tools', value: { name: 'b', input_schema: schema('rp') } }] },
      errors: [{ messageId: 'drift', line: 19, column: 5, message: "'required' comes before 'properties' in tools[1] b input_schema but after it in tools[0] a input_schema" }],
    },
    {
      name: 'tool-level keys',
      code: { segments: [{ level: 'tools', value: { name: 'a', description: 'x' } }, { level: 'tools', value: { description: 'y', name: 'b' } }] },
      errors: [{ messageId: 'drift' }],
    },
  ],
});
