import { ruleTester } from '../helpers/rule-tester.js';

ruleTester.run('no-timestamp-in-prefix', {
  valid: [
    { name: 'no date', code: 'You are a helpful assistant.\nAnswer briefly.' },
    { name: 'month and year only (knowledge cutoff)', code: 'Your knowledge cutoff is January 2025.\nAnswer briefly.' },
    { name: 'a bare date without a current-date cue', code: 'The API version 2024-07-01 added streaming.\nAnswer briefly.' },
    { name: 'a date quoted as an example', code: 'Account for the date in <env>. For example, if it says "Today\'s date: 2025-07-01", use 2025.' },
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
    { name: 'ISO date announced as today', code: "You are Cursor.\nToday's date: 2025-08-07\nBe brief.", errors: [{ messageId: 'found', line: 2, column: 15, message: "'2025-08-07'" }] },
    { name: 'natural-language date', code: 'The current date is August 25, 2025.\nBe brief.', errors: [{ messageId: 'found', line: 1, column: 21, message: 'August 25, 2025' }] },
    { name: 'weekday with date and time', code: 'Remember that the current date is: Tuesday, May 13, 2025, 4:31:29 AM UTC\nBe brief.', errors: [{ messageId: 'found', message: 'Tuesday, May 13, 2025, 4:31:29 AM UTC' }] },
    { name: 'Date#toDateString', code: "Today's date: Mon Sep 15 2025\nBe brief.", errors: [{ messageId: 'found', message: 'Mon Sep 15 2025' }] },
    { name: 'ISO date-time anywhere', code: 'Generated 2025-08-07T09:14:03Z for you.\nBe brief.', errors: [{ messageId: 'found', line: 1, column: 11 }] },
    { name: 'says what follows it', code: "Today's date: 2025-08-07\nFollow the style guide.", errors: [{ messageId: 'found', message: 'precedes 5 cacheable tokens' }] },
  ],
});
