import { ruleTester } from '../helpers/rule-tester.js';

ruleTester.run('no-environment-in-prefix', {
  valid: [
    { name: 'mentions without values', code: 'Run commands in the working directory of the user.\nBe brief.' },
    { name: 'a definition is not a dump', code: '- Workspace: a collaborative space for Pages.\nBe brief.' },
    { name: 'static prose about git', code: 'Run "git status" before you commit.\nBe brief.' },
  ],
  invalid: [
    {
      name: 'env block',
      code: '<env>\nWorking directory: /srv/app\nPlatform: darwin\nOS Version: Darwin 24.6.0\n</env>\nBe brief.',
      errors: [{ messageId: 'found', line: 2, column: 1 }, { messageId: 'found', line: 3 }, { messageId: 'found', line: 4, message: 'OS Version: Darwin 24.6.0' }],
    },
    { name: 'git status snapshot', code: 'Current branch: main\n\nStatus:\n M src/app.py\n?? notes.txt\n\nBe brief.', errors: [{ messageId: 'found', line: 1 }, { messageId: 'found', line: 3 }] },
    { name: 'directory listing', code: 'Files:\n├ .git/\n├ src/\n└ README.md\nBe brief.', errors: [{ messageId: 'found', line: 2 }] },
    { name: 'cwd placeholder in a .txt body', code: { segments: [{ level: 'system', text: 'Current Working Directory: ${cwd.toPosix()}\nBe brief.' }], doc: { syntax: 'text' } }, errors: [{ messageId: 'placeholder', column: 28 }] },
    { name: 'jinja working dir', code: { segments: [{ level: 'system', text: 'The current working directory is {{ runtime_info.working_dir }}\nBe brief.' }] }, errors: [{ messageId: 'placeholder' }] },
  ],
});
