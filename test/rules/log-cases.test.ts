// Log cases for the rules that read what differs between logged requests: each with valid and invalid
// cases, through the real pipeline (see test/helpers/log-rule-tester.ts).
import { anthropicBody, policyText } from '../helpers/shared-log.js';
import { logRuleTester } from '../helpers/log-rule-tester.js';

const base = policyText(1100); // ≈1,400 tokens: above the 1,024-token minimum, so the prefix is cacheable
const sys = (prefix: string, o: { user?: string; q?: string; cache?: boolean } = {}) =>
  anthropicBody({ system: `${prefix}\n${base}`, messages: [o.q ?? 'Where is my order?'], ...(o.user ? { user: o.user } : {}), ...(o.cache === false ? { cache: false } : {}) });

logRuleTester.run('no-timestamp-in-prefix', {
  valid: [
    { name: 'a knowledge cutoff date repeated in every request', bodies: [sys('Knowledge cutoff: 2024-06-01.'), sys('Knowledge cutoff: 2024-06-01.'), sys('Knowledge cutoff: 2024-06-01.')] },
    { name: 'the date in the final user turn', bodies: [sys('Be brief.', { q: 'Today is 2026-11-02T09:00:00Z, ok?' }), sys('Be brief.', { q: 'Today is 2026-11-02T09:05:00Z, ok?' })] },
  ],
  invalid: [
    { name: 'a clock at the top of the shared system prompt, three users', bodies: [sys('Current time: 2026-11-02T09:00:01Z', { user: 'a' }), sys('Current time: 2026-11-02T09:00:31Z', { user: 'b' }), sys('Current time: 2026-11-02T09:01:02Z', { user: 'c' })], errors: [{ requests: 2, severity: 'error' }] },
    {
      name: 'costs no cached tokens when nothing is cached after it: a warning',
      bodies: [sys('Current time: 2026-11-02T09:00:01Z', { cache: false }), sys('Current time: 2026-11-02T09:00:31Z', { cache: false })],
      errors: [{ requests: 1, severity: 'warning' }],
    },
  ],
});

logRuleTester.run('no-identifier-in-prefix', {
  valid: [{ name: 'the same request id resent', bodies: [sys('Request id: req_01HX9ZK3Q7'), sys('Request id: req_01HX9ZK3Q7')] }],
  invalid: [{ name: 'a trace id per request', bodies: [sys('Trace: trace_a81f2c9d77e1'), sys('Trace: trace_0bd4e5f6a7b8')], errors: [{ requests: 1 }] }],
});

logRuleTester.run('no-user-data-in-prefix', {
  valid: [{ name: 'a support address the same for everyone', bodies: [sys('Escalate to support@acme.com.', { user: 'a' }), sys('Escalate to support@acme.com.', { user: 'b' })] }],
  invalid: [{ name: "each customer's own e-mail", bodies: [sys('Customer: dana.lee@gmail.com', { user: 'a' }), sys('Customer: omar.k@outlook.com', { user: 'b' })], errors: [{ requests: 1 }] }],
});

logRuleTester.run('require-nfc', {
  valid: [{ name: 'the same form every time', bodies: [sys('Store: Café Münster'), sys('Store: Café Münster')] }],
  invalid: [{ name: 'NFC then NFD', bodies: [sys('Store: Café Münster'.normalize('NFC')), sys('Store: Café Münster'.normalize('NFD'))], errors: [{ requests: 1 }] }],
});

logRuleTester.run('no-system-edit', {
  valid: [{ name: 'another agent with another system prompt is another prompt', bodies: [anthropicBody({ system: 'You write poems about the sea.', messages: ['Hi'], user: 'a' }), anthropicBody({ system: 'You are a SQL assistant. Answer with one query.', messages: ['Hi'], user: 'b' })] }],
  invalid: [
    {
      name: 'the system prompt edited between turns of one session',
      bodies: [anthropicBody({ system: `${base} Be brief.`, messages: ['Hi'] }), anthropicBody({ system: `${base} Be very brief.`, messages: ['Hi', 'Hello', 'Q'] })],
      sessions: ['s1', 's1'],
      errors: [{ requests: 1 }],
    },
  ],
});
