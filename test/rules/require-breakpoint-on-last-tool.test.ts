import { ruleTester } from '../helpers/rule-tester.js';

const t = (name: string, marker = false) => ({ level: 'tools' as const, value: { name, input_schema: { type: 'object' } }, ...(marker ? { cacheMarker: true as const } : {}) });

ruleTester.run('require-breakpoint-on-last-tool', {
  valid: [
    { name: 'marker on the last tool', code: { segments: [t('a'), t('b'), t('c', true)] } },
    { name: 'no marker', code: { segments: [t('a'), t('b')] } },
    { name: 'a later system breakpoint covers the rest', code: { segments: [t('a', true), t('b'), { level: 'system', text: 'Sys', cacheMarker: true }] } },
    { name: 'a later tool carries a marker too', code: { segments: [t('a', true), t('b'), t('c', true)] } },
  ],
  invalid: [
    { name: 'marker in the middle', code: { segments: [t('a'), t('b', true), t('c'), t('d')] }, errors: [{ messageId: 'notLastTool', message: "cache_control on tool 'b' (2 of 4) leaves the 2 tools after it" }] },
  ],
});
