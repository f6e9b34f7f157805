import { ruleTester } from '../helpers/rule-tester.js';

const seg = (text: string, marker = true) => ({ level: 'messages' as const, text, ...(marker ? { cacheMarker: true as const } : {}) });

ruleTester.run('no-excess-breakpoints', {
  valid: [
    { name: 'four markers', code: { segments: [{ level: 'system', text: 'Sys', cacheMarker: true }, seg('a'), seg('b'), seg('c')] } },
    { name: 'five markers across two records', code: { segments: [{ ...seg('a'), group: '1' }, { ...seg('b'), group: '1' }, { ...seg('c'), group: '1' }, { ...seg('d'), group: '2' }, { ...seg('e'), group: '2' }] } },
  ],
  invalid: [
    { name: 'five markers', code: { segments: [{ level: 'system', text: 'Sys', cacheMarker: true }, seg('a'), seg('b'), seg('c'), seg('d')] }, errors: [{ messageId: 'tooMany', line: 5, message: '5 cache breakpoints in one request; at most 4' }] },
  ],
});
