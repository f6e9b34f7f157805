import { ruleTester } from '../helpers/rule-tester.js';

ruleTester.run('no-timestamp-in-prefix', {
  valid: [
    { name: 'no date', code: 'You are a helpful assistant.\nAnswer briefly.' },
    { name: 'month and year only (knowledge cutoff)', code: 'Your knowledge cutoff is January 2025.\nAnswer briefly.' },
    { name: 'a bare date without a current-date cue', code: 'The API version 2024-07-01 added streaming.\nAnswer briefly.' },
    { name: 'a date quoted as an example', code: 'Account for the date in <env>. For example, if it says "Today\'s date: 2025-07-01", use 2025.' },
    { name: 'a knowledge cutoff date', code: 'You are a helpful assistant.\nKnowledge cutoff date: 2024-06-01\nAnswer briefly.' },
    { name: "a policy's effective date", code: 'You answer refund questions.\nRefund policy effective date: 2024-01-15\nCite the policy section you used.' },
    { name: 'a published date', code: 'Style guide, published on 2024-03-02.\nFollow it exactly.' },
    { name: 'a last-updated date-time', code: 'Last updated: 2025-08-07T09:14:03Z\nFollow the style guide.' },
    { name: 'a release date', code: 'Version 3 was released on March 4, 2025; the current date is given by the user.\nBe brief.' },
    {
      name: 'nothing cacheable after it (last line)',
      code: 'You are a helpful assistant. Answer briefly and precisely about everything the user asks.\nToday\'s date: 2025-08-07',
    },
    { name: 'a date inside JSON data', code: 'Fails: {"properties":{"date:When:end":"2024-01-31"}}\nAnswer briefly.' },
    {
      name: 'after the last cache marker',
      code: {
        segments: [
          { level: 'system', text: 'You are a helpful assistant.', cacheMarker: true },
          { level: 'messages', text: "Today's date: 2025-08-07" },
        ],
      },
    },
  ],
  invalid: [
    {
      name: 'ISO date announced as today (a literal: a warning, saying why it may vary)',
      code: "You are Cursor.\nToday's date: 2025-08-07\nBe brief.",
      errors: [{ messageId: 'found', line: 2, column: 15, message: "'2025-08-07' reads like the current date or time", severity: 'warning' }],
    },
    { name: 'natural-language date', code: 'The current date is August 25, 2025.\nBe brief.', errors: [{ messageId: 'found', line: 1, column: 21, message: 'August 25, 2025' }] },
    { name: 'weekday with date and time', code: 'Remember that the current date is: Tuesday, May 13, 2025, 4:31:29 AM UTC\nBe brief.', errors: [{ messageId: 'found', message: 'Tuesday, May 13, 2025, 4:31:29 AM UTC' }] },
    { name: 'Date#toDateString', code: "Today's date: Mon Sep 15 2025\nBe brief.", errors: [{ messageId: 'found', message: 'Mon Sep 15 2025' }] },
    { name: 'ISO date-time anywhere', code: 'Generated 2025-08-07T09:14:03Z for you.\nBe brief.', errors: [{ messageId: 'found', line: 1, column: 11 }] },
    { name: 'says what follows it', code: "Today's date: 2025-08-07\nFollow the style guide.", errors: [{ messageId: 'found', message: 'precedes 5 cacheable tokens' }] },
  ],
});
