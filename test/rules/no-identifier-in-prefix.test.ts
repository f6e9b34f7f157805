import { ruleTester } from '../helpers/rule-tester.js';

ruleTester.run('no-identifier-in-prefix', {
  valid: [
    { name: 'UUID-shaped string without a valid version', code: 'Cite pages like [^20ed872b-594c-8102-9f4d-000206937e8e].\nBe brief.' },
    { name: 'UUID quoted as an example', code: 'IDs look like this, e.g. 5b17d716-e12e-4038-8ac7-fce6c1a8a57a.\nBe brief.' },
    { name: 'ordinary words and versions', code: 'Use claude-sonnet-4-20250514 or gpt-4.1-mini-2025-04-14.\nBe brief.' },
  ],
  invalid: [
    { name: 'thread URL with a UUID', code: 'Thread URL:\nhttps://ampcode.com/threads/T-5b17d716-e12e-4038-8ac7-fce6c1a8a57a\nBe brief.', errors: [{ messageId: 'found', line: 2, column: 29, message: 'T-5b17d716-e12e-4038-8ac7-fce6c1a8a57a' }] },
    { name: 'hex nonce', code: 'Nonce: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b\nBe brief.', errors: [{ messageId: 'found' }] },
    { name: 'ULID', code: 'Run 01ARZ3NDEKTSV4RRFFQ69G5FAV started.\nBe brief.', errors: [{ messageId: 'found' }] },
    { name: 'labelled session id', code: 'Session ID: ab12cd34ef\nBe brief.', errors: [{ messageId: 'found', message: 'Session ID: ab12cd34ef' }] },
    { name: 'session id placeholder', code: { segments: [{ level: 'system', text: 'Session {{ session_id }}. Be brief.' }] }, errors: [{ messageId: 'placeholder' }] },
  ],
});
