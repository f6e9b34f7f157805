import { ruleTester } from '../helpers/rule-tester.js';

const sys = (text: string) => ({ segments: [{ level: 'system' as const, text }] });

ruleTester.run('no-unordered-iteration', {
  valid: [
    { name: 'dictsort', code: sys('{% for k, v in hosts | dictsort %}{{ k }}{% endfor %}\nBe brief.') },
    { name: 'list loop', code: sys('{% for h in hosts %}{{ h }}{% endfor %}\nBe brief.') },
    { name: '#each over a list', code: sys('{{#each items}}- {{this}}\n{{/each}}Be brief.') },
  ],
  invalid: [
    { name: '.items()', code: sys('Hosts:\n{% for host, port in runtime_info.available_hosts.items() -%}\n* {{ host }}\n{% endfor %}\nBe brief.'), errors: [{ messageId: 'unordered', line: 2, column: 1 }] },
    { name: '#each over an object', code: sys('{{#each limits}}{{@key}}: {{this}}\n{{/each}}Be brief.'), errors: [{ messageId: 'unordered', line: 1, column: 1 }] },
    { name: 'Object.entries', code: sys('${Object.entries(servers).map(([k]) => k)}\nBe brief.'), errors: [{ messageId: 'unordered' }] },
  ],
});
