import { describe, expect, it } from 'vitest';
import { compileIgnore } from '../../src/ingest/ignore.js';

describe('compileIgnore', () => {
  const ignored = compileIgnore(['# comment', '', 'build/', '*.log', '/root-only.txt', 'docs/**/*.md', '!docs/keep/**/*.md', 'secret?.json', ''].join('\n'));

  it('matches directory patterns anywhere, and files inside them', () => {
    expect(ignored('build', true)).toBe(true);
    expect(ignored('a/b/build', true)).toBe(true);
    expect(ignored('a/build/x.txt', false)).toBe(true);
    expect(ignored('build', false)).toBe(false); // a file named build is not a directory
  });

  it('matches slash-less patterns at any depth and anchored ones at the root', () => {
    expect(ignored('x.log', false)).toBe(true);
    expect(ignored('deep/x.log', false)).toBe(true);
    expect(ignored('root-only.txt', false)).toBe(true);
    expect(ignored('sub/root-only.txt', false)).toBe(false);
    expect(ignored('secret1.json', false)).toBe(true);
    expect(ignored('secret12.json', false)).toBe(false);
  });

  it('supports ** and negation', () => {
    expect(ignored('docs/a/b.md', false)).toBe(true);
    expect(ignored('docs/b.md', false)).toBe(true);
    expect(ignored('docs/keep/b.md', false)).toBe(false);
    expect(ignored('prompts/a.md', false)).toBe(false);
  });

  it('ignores comments and blank lines', () => {
    expect(ignored('# comment', false)).toBe(false);
    expect(compileIgnore('\n# only comments\n')('anything', false)).toBe(false);
  });
});
