import { ruleTester } from '../helpers/rule-tester.js';

ruleTester.run('no-user-data-in-prefix', {
  valid: [
    { name: 'role address', code: 'Co-Authored-By: Claude <noreply@anthropic.com>\nBe brief.' },
    { name: 'example domain', code: 'Write to jane@example.com in examples.\nBe brief.' },
    { name: 'generic home path', code: 'Update File: /Users/someone/project/main.py\nBe brief.' },
    { name: 'Linux home in tool output', code: 'Requirement already satisfied: flask in /home/openhands/.local/lib/python3.10\nBe brief.' },
    { name: 'file link example', code: 'Link files like file:///Users/george/src/auth.js#L10 in answers.\nBe brief.' },
  ],
  invalid: [
    { name: 'e-mail address (redacted in the message)', code: "The user's email address is dana.reyes@gmail.com.\nBe brief.", errors: [{ messageId: 'found', line: 1, column: 29, message: '[REDACTED:email]' }] },
    { name: 'macOS home', code: 'Memory lives in /Users/asgeirtj/.claude/memory.\nBe brief.', errors: [{ messageId: 'found', message: '/Users/asgeirtj' }] },
    { name: 'Windows home', code: 'Working directory: C:\\Users\\ghuntley\\code\nBe brief.', errors: [{ messageId: 'found', message: 'C:\\Users\\ghuntley' }] },
    { name: 'labelled git user', code: 'Git user: Ásgeir Thor Johnson\nBe brief.', errors: [{ messageId: 'found' }] },
    { name: 'phone number', code: 'Call +1 415 555 2671 for escalations.\nBe brief.', errors: [{ messageId: 'found' }] },
    { name: 'user name placeholders', code: { segments: [{ level: 'system', text: 'Hi {{firstName}} ({{ user.name }}). Be brief.' }] }, errors: [{ messageId: 'placeholder' }, { messageId: 'placeholder' }] },
  ],
});
