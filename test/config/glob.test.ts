import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlobs, expandBraces, globToRegExp, matchesGlob } from '../../src/config/glob.js';

const cases: [glob: string, yes: string[], no: string[]][] = [
  ['*.md', ['a.md', 'prompts/a.md', 'x/y/.hidden.md', '.md'], ['a.mdx', 'a.md/b', 'amd']],
  ['prompts/*.md', ['prompts/a.md', './prompts/a.md'], ['prompts/x/a.md', 'other/prompts/a.md', 'a.md']],
  ['prompts/**', ['prompts', 'prompts/a', 'prompts/x/y/z.md'], ['prompt', 'promptsx/a', 'x/prompts/a']],
  ['prompts/**/*.jinja', ['prompts/a.jinja', 'prompts/x/a.jinja', 'prompts/x/y/a.jinja'], ['prompts/a.jinja2', 'a.jinja']],
  ['**/tools/*.json', ['tools/a.json', 'x/tools/a.json', 'x/y/tools/a.json'], ['x/tools/y/a.json', 'xtools/a.json']],
  ['**', ['a', 'a/b/c'], []],
  ['a?c.txt', ['abc.txt', 'x/a.c.txt'], ['ac.txt', 'abbc.txt', 'a/c.txt']],
  ['file[0-9].md', ['file1.md'], ['filea.md', 'file10.md']],
  ['file[!0-9].md', ['filea.md'], ['file1.md', 'file/.md']],
  ['[]x].md', ['].md', 'x.md'], ['y.md', ']].md']],
  ['*.{md,txt}', ['a.md', 'b.txt', 'c/d.txt'], ['a.json', 'a.{md,txt}']],
  ['{prompts,templates}/**/*.{j2,jinja}', ['prompts/a.j2', 'templates/x/b.jinja'], ['other/a.j2', 'prompts/a.md']],
  ['a{b,c{d,e}}f', ['abf', 'acdf', 'acef'], ['acf', 'abdf']],
  ['{single}.md', ['{single}.md'], ['single.md']],
  ['a\\*b', ['a*b'], ['axb']],
  ['a.b+c(d)|e$', ['a.b+c(d)|e$'], ['aXb+c(d)|e$']],
  ['/root.md', ['root.md'], ['x/root.md']],
  ['a**b', ['ab', 'axxb'], ['a/b']],
  ['[ab', ['[ab'], ['a']],
];

describe('globToRegExp', () => {
  for (const [glob, yes, no] of cases) {
    it(`'${glob}'`, () => {
      for (const p of yes) expect(matchesGlob(p, glob), `${glob} should match ${p}`).toBe(true);
      for (const p of no) expect(matchesGlob(p, glob), `${glob} should not match ${p}`).toBe(false);
    });
  }

  it('an escaped string matches itself and nothing else of another length', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !s.includes('/') && s !== '.' && s !== '..'), (s) => {
        const glob = s.replace(/[\\*?[\]{}!,]/g, '\\$&');
        expect(matchesGlob(s, glob)).toBe(true);
        expect(matchesGlob(`${s}x`, glob)).toBe(false);
        expect(matchesGlob(`dir/${s}`, glob)).toBe(true); // no slash: matches the base name at any depth
      }),
    );
  });

  it('refuses a brace bomb instead of hanging', () => {
    expect(() => globToRegExp('{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}')).toThrow(RangeError);
  });

  it('expands nested braces and leaves unbalanced ones literal', () => {
    expect(expandBraces('x{a,b{1,2}}y')).toEqual(['xay', 'xb1y', 'xb2y']);
    expect(expandBraces('x{a,b')).toEqual(['x{a,b']);
    expect(expandBraces('[{]a,b}')).toEqual(['[{]a,b}']);
  });
});

describe('compileGlobs', () => {
  it('lets the last matching glob decide, with ! excluding', () => {
    const m = compileGlobs(['prompts/**', '!prompts/legacy/**', 'prompts/legacy/keep.md']);
    expect(m('prompts/a.md')).toBe(true);
    expect(m('prompts/legacy/b.md')).toBe(false);
    expect(m('prompts/legacy/keep.md')).toBe(true);
    expect(m('other/a.md')).toBe(false);
    expect(compileGlobs([])('a')).toBe(false);
  });
});
