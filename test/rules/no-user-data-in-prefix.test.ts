import { ruleTester } from '../helpers/rule-tester.js';

ruleTester.run('no-user-data-in-prefix', {
  valid: [
    { name: 'role address', code: 'Co-Authored-By: Claude <noreply@anthropic.com>\nBe brief.' },
    { name: 'example domain', code: 'Write to jane@example.com in examples.\nBe brief.' },
    { name: 'generic home path', code: 'Update File: /Users/someone/project/main.py\nBe brief.' },
    { name: 'Linux home in tool output', code: 'Requirement already satisfied: flask in /home/openhands/.local/lib/python3.10\nBe brief.' },
    {
      name: 'company role accounts and a toll-free number',
      code: 'For billing questions write to billing@globex.com or call +1 800 555 0199.\nAnswer briefly and cite the policy.',
    },
    {
      name: 'role accounts with a suffix, any company',
      code: 'Escalate to support-eu@globex.com, sales@initech.io, info@umbrella.co.uk or no-reply@hooli.xyz.\nBe brief.',
    },
    { name: 'a company number after a role address', code: 'Write to help@globex.com, or phone +44 20 7946 0958.\nBe brief.' },
    { name: 'a company hotline', code: 'Our hotline: +49 30 901820 is open 9-17.\nBe brief.' },
    { name: 'a toll-free number with separators', code: 'Customers can call (888) 555-2671 any time.\nBe brief.' },
    { name: 'nothing cacheable after it', code: 'You are a helpful assistant for the whole team of accountants.\nContact: dana.reyes@gmail.com' },
    { name: 'file link example', code: 'Link files like file:///Users/george/src/auth.js#L10 in answers.\nBe brief.' },
  ],
  invalid: [
    {
      name: "a customer's personal e-mail (consumer mail domain: certain, an error; redacted in the message)",
      code: "The user's email address is dana.reyes@gmail.com.\nBe brief.",
      errors: [{ messageId: 'certain', line: 1, column: 29, message: '[REDACTED:email]', severity: 'error' }],
    },
    {
      name: "an address named as the customer's (certain, an error)",
      code: 'Customer email: dana.reyes@northwind.example.org\nAnswer the customer briefly.',
      errors: [{ messageId: 'certain', line: 1, column: 17, severity: 'error' }],
    },
    {
      name: 'a person at a company domain (a suspicion: a warning saying why)',
      code: 'On-call engineer: dana.reyes@globex.com\nBe brief.',
      errors: [{ messageId: 'found', message: 'if it is rendered per user', severity: 'warning' }],
    },
    { name: 'macOS home', code: 'Memory lives in /Users/asgeirtj/.claude/memory.\nBe brief.', errors: [{ messageId: 'found', message: '/Users/asgeirtj' }] },
    { name: 'Windows home', code: 'Working directory: C:\\Users\\ghuntley\\code\nBe brief.', errors: [{ messageId: 'found', message: 'C:\\Users\\ghuntley' }] },
    { name: 'labelled git user', code: 'Git user: Ásgeir Thor Johnson\nBe brief.', errors: [{ messageId: 'found' }] },
    { name: 'phone number', code: 'Call +1 415 555 2671 for escalations.\nBe brief.', errors: [{ messageId: 'found', severity: 'warning' }] },
    {
      name: 'user name placeholders (certain: errors)',
      code: { segments: [{ level: 'system', text: 'Hi {{firstName}} ({{ user.name }}). Be brief.' }] },
      errors: [{ messageId: 'placeholder', severity: 'error' }, { messageId: 'placeholder', severity: 'error' }],
    },
  ],
});
