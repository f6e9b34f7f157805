import { ruleTester } from '../helpers/rule-tester.js';

ruleTester.run('no-identifier-in-prefix', {
  valid: [
    { name: 'UUID-shaped string without a valid version', code: 'Cite pages like [^20ed872b-594c-8102-9f4d-000206937e8e].\nBe brief.' },
    { name: 'UUID quoted as an example', code: 'IDs look like this, e.g. 5b17d716-e12e-4038-8ac7-fce6c1a8a57a.\nBe brief.' },
    {
      name: 'a pinned commit in a code-review prompt',
      code: 'Review the pull request against the base pinned at commit 9fceb02d0ae598e95dc970b74767f19372d61af8.\nReport bugs first.',
    },
    { name: 'a commit URL', code: 'Base: https://github.com/acme/app/commit/9fceb02d0ae598e95dc970b74767f19372d61af8\nReport bugs first.' },
    { name: 'a pinned checksum', code: 'The model file has sha256 checksum 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae.\nBe brief.' },
    { name: 'ordinary words and versions', code: 'Use claude-sonnet-4-20250514 or gpt-4.1-mini-2025-04-14.\nBe brief.' },
  ],
  invalid: [
    { name: 'thread URL with a UUID', code: 'Thread URL:\nhttps://ampcode.com/threads/T-5b17d716-e12e-4038-8ac7-fce6c1a8a57a\nBe brief.', errors: [{ messageId: 'found', line: 2, column: 29, message: 'T-5b17d716-e12e-4038-8ac7-fce6c1a8a57a' }] },
    { name: 'hex nonce (a literal: a warning)', code: 'Nonce: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b\nBe brief.', errors: [{ messageId: 'found', severity: 'warning', message: 'if it is rendered per request' }] },
    { name: 'ULID', code: 'Run 01ARZ3NDEKTSV4RRFFQ69G5FAV started.\nBe brief.', errors: [{ messageId: 'found' }] },
    { name: 'labelled session id', code: 'Session ID: ab12cd34ef\nBe brief.', errors: [{ messageId: 'found', message: 'Session ID: ab12cd34ef' }] },
    {
      name: 'session id placeholder (certain: an error)',
      code: { segments: [{ level: 'system', text: 'Session {{ session_id }}. Be brief.' }] },
      errors: [{ messageId: 'placeholder', severity: 'error' }],
    },
  ],
});
