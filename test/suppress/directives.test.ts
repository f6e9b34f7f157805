import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/model.js';
import { applyDirectives, frontMatterRange, parseDirectives, type Directive } from '../../src/suppress/directives.js';

const RULES = [
  { id: 'no-timestamp-in-prefix', code: 'KV101' },
  { id: 'no-clock-placeholder', code: 'KV102' },
  { id: 'no-user-data-in-prefix', code: 'KV104' },
  { id: 'no-crlf', code: 'KV401' },
  { id: 'no-trailing-whitespace', code: 'KV402' },
];
const resolveRule = (name: string) => RULES.find((r) => r.id === name || r.code === name);

function diag(code: string, line: number, column = 1): Diagnostic {
  const rule = RULES.find((r) => r.code === code)!;
  return {
    ruleId: rule.id,
    code,
    severity: 'error',
    category: 'breaker',
    messageId: 'found',
    message: `${code} at ${line}:${column}`,
    file: 'a.tpl',
    line,
    column,
  };
}

const brief = (ds: Directive[]) => ds.map((d) => [d.kind, d.names, d.reason ?? null, d.line, d.column]);
const at = (ds: Diagnostic[]) => ds.map((d) => `${d.code}@${d.line}`);

describe('parseDirectives: comment forms per syntax', () => {
  it('Jinja {# #}, with whitespace control', () => {
    const text = 'System.\n{# kvlint-disable-next-line KV101 -- dated on purpose #}\nToday {{ x }} {#- kvlint-disable-line -#}\n{# an ordinary comment #}\n';
    expect(brief(parseDirectives(text, 'jinja'))).toEqual([
      ['disable-next-line', ['KV101'], 'dated on purpose', 2, 1],
      ['disable-line', [], null, 3, 15],
    ]);
    const [d] = parseDirectives(text, 'jinja');
    expect(d).toMatchObject({ endLine: 2, endColumn: 57, text: '{# kvlint-disable-next-line KV101 -- dated on purpose #}' });
  });

  it('Handlebars, Mustache and Dotprompt {{! }} and {{!-- --}}', () => {
    const text = '{{!-- kvlint-disable KV101, no-crlf -- legacy }} inside --}}\n{{! kvlint-enable }}\n{{~! kvlint-disable-file KV104 -- per-user prompt ~}}\n';
    for (const syntax of ['handlebars', 'mustache', 'dotprompt'] as const) {
      expect(brief(parseDirectives(text, syntax))).toEqual([
        ['disable', ['KV101', 'no-crlf'], 'legacy }} inside', 1, 1],
        ['enable', [], null, 2, 1],
        ['disable-file', ['KV104'], 'per-user prompt', 3, 1],
      ]);
    }
  });

  it('Markdown <!-- --> and front matter # comments', () => {
    const text = '---\nmodel: x # kvlint-disable-line KV101 -- pinned\n# kvlint-disable-next-line\nname: y\n---\n# Heading\n<!-- kvlint-disable-next-line KV402 -- table needs it -->\nrow  \n';
    expect(brief(parseDirectives(text, 'markdown'))).toEqual([
      ['disable-line', ['KV101'], 'pinned', 2, 10],
      ['disable-next-line', [], null, 3, 1],
      ['disable-next-line', ['KV402'], 'table needs it', 7, 1],
    ]);
  });

  it('Dotprompt and Prompty front matter plus their body form', () => {
    const dp = '---\n# kvlint-disable-file KV101 -- demo\nmodel: x\n---\n{{! kvlint-disable-next-line KV104 -- ok }}\nHi {{name}}\n';
    expect(brief(parseDirectives(dp, 'dotprompt')).map((d) => d[0])).toEqual(['disable-file', 'disable-next-line']);
    const prompty = '---\nname: x # kvlint-disable-line -- fine\n---\nsystem:\n{# kvlint-disable-next-line KV102 -- ok #}\n{{ now }}\n';
    expect(brief(parseDirectives(prompty, 'prompty'))).toEqual([
      ['disable-line', [], 'fine', 2, 9],
      ['disable-next-line', ['KV102'], 'ok', 5, 1],
    ]);
    // A Jinja comment inside the front matter is YAML text, not a directive.
    expect(parseDirectives('---\na: "{# kvlint-disable-file #}"\n---\nbody\n', 'prompty')).toEqual([]);
  });

  it('YAML # comments, whole line or trailing, but not inside a word', () => {
    const text = 'a: 1 # kvlint-disable-line KV401 -- windows file\n  # kvlint-disable-next-line\nurl: http://x/#kvlint-disable-file\n';
    expect(brief(parseDirectives(text, 'yaml'))).toEqual([
      ['disable-line', ['KV401'], 'windows file', 1, 6],
      ['disable-next-line', [], null, 2, 3],
    ]);
  });

  it('.txt # lines only at the start of a line', () => {
    const text = '# kvlint-disable-next-line KV101 -- example date\nToday is 2025-01-01 # kvlint-disable-line\n';
    expect(brief(parseDirectives(text, 'text'))).toEqual([['disable-next-line', ['KV101'], 'example date', 1, 1]]);
  });

  it('JSON, f-strings and JS templates have no comments', () => {
    for (const syntax of ['json', 'fstring', 'js-template'] as const) {
      expect(parseDirectives('{"a": "{# kvlint-disable-file #}"}\n# kvlint-disable-file\n<!-- kvlint-disable-file -->', syntax)).toEqual([]);
    }
  });

  it('ignores look-alikes and keeps CRLF out of positions', () => {
    expect(parseDirectives('{# kvlint-disabled #}{# kvlint-disable-nextline #}{# see kvlint-disable #}', 'jinja')).toEqual([]);
    const [d] = parseDirectives('a: 1 # kvlint-disable-line\r\nb: 2\r\n', 'yaml');
    expect(d).toMatchObject({ line: 1, column: 6, endLine: 1, endColumn: 27, text: '# kvlint-disable-line' });
  });

  it('reads names separated by commas or spaces, a reason after a lone --, and a blank reason as missing', () => {
    const [a, b, c] = parseDirectives(
      '{# kvlint-disable-next-line KV101,KV102  no-crlf --  why  not #}\n{# kvlint-disable-line no-crlf -- #}\n{# kvlint-disable KV101\n   -- spans\n   lines #}',
      'jinja',
    );
    expect(a).toMatchObject({ names: ['KV101', 'KV102', 'no-crlf'], reason: 'why not' });
    expect(b).toMatchObject({ names: ['no-crlf'] });
    expect(b!.reason).toBeUndefined();
    expect(c).toMatchObject({ names: ['KV101'], reason: 'spans lines', line: 3, endLine: 5 });
  });

  it('finds front matter only at the very start', () => {
    expect(frontMatterRange('---\na: 1\n---\nbody')).toEqual([4, 9]);
    expect(frontMatterRange('\n---\na: 1\n---\n')).toBeUndefined();
    expect(frontMatterRange('---\nno end\n')).toBeUndefined();
  });
});

describe('applyDirectives', () => {
  const apply = (text: string, diags: Diagnostic[]) => applyDirectives(diags, parseDirectives(text, 'jinja'), resolveRule);

  it('disable-next-line suppresses the listed rule on the next line only', () => {
    const r = apply('{# kvlint-disable-next-line KV101 -- r #}\nx\ny\n', [diag('KV101', 2), diag('KV102', 2), diag('KV101', 3)]);
    expect(at(r.kept)).toEqual(['KV102@2', 'KV101@3']);
    expect(r.unused).toEqual([]);
  });

  it('a finding folded from two rules answers to either name, and only the names used count as used', () => {
    const folded = (): Diagnostic => ({ ...diag('KV102', 2), alsoRules: ['no-user-data-in-prefix'] });
    const byOther = apply('{# kvlint-disable-next-line KV104 -- r #}\nx\n', [folded()]);
    expect(byOther.kept).toEqual([]);
    expect(byOther.unused).toEqual([]);
    expect(byOther.unusedNames).toEqual([]);
    const both = apply('{# kvlint-disable-next-line KV102, KV104 -- r #}\nx\n', [folded()]);
    expect(both.kept).toEqual([]);
    expect(both.unusedNames).toEqual([]);
    const neither = apply('{# kvlint-disable-next-line KV101 -- r #}\nx\n', [folded()]);
    expect(at(neither.kept)).toEqual(['KV102@2']);
    expect(neither.unused).toHaveLength(1);
  });

    it('disable-next-line after a multi-line comment targets the line after its end', () => {
    const r = apply('{# kvlint-disable-next-line\n   -- long reason #}\nx\n', [diag('KV101', 2), diag('KV101', 3)]);
    expect(at(r.kept)).toEqual(['KV101@2']);
  });

  it('disable-line with no list suppresses every rule on its line', () => {
    const r = apply('a {# kvlint-disable-line -- r #}\nb\n', [diag('KV101', 1, 1), diag('KV402', 1, 40), diag('KV101', 2)]);
    expect(at(r.kept)).toEqual(['KV101@2']);
  });

  it('disable … enable ranges start at the comment and end at the enable', () => {
    const text = ['a', 'b {# kvlint-disable KV101 -- r #}', 'c', '{# kvlint-enable KV101 #}', 'd'].join('\n');
    const r = apply(text, [diag('KV101', 1), diag('KV101', 2, 1), diag('KV101', 2, 40), diag('KV101', 3), diag('KV101', 5), diag('KV102', 3)]);
    expect(at(r.kept)).toEqual(['KV101@1', 'KV101@2', 'KV101@5', 'KV102@3']);
    expect(r.unused).toEqual([]);
  });

  it('an unclosed disable runs to the end of the file; enable of one rule leaves the rest disabled', () => {
    const text = '{# kvlint-disable -- generated #}\nx\n{# kvlint-enable KV102 #}\ny\n';
    const r = apply(text, [diag('KV101', 2), diag('KV102', 2), diag('KV101', 4), diag('KV102', 4)]);
    expect(at(r.kept)).toEqual(['KV102@4']);
    expect(r.unused).toEqual([]);
  });

  it('disable-file applies anywhere in the file, even above the comment', () => {
    const r = apply('x\ny\n{# kvlint-disable-file no-trailing-whitespace -- vendored #}\n', [diag('KV402', 1), diag('KV402', 9), diag('KV101', 1)]);
    expect(at(r.kept)).toEqual(['KV101@1']);
  });

  it('accepts codes and ids interchangeably', () => {
    const text = '{# kvlint-disable-next-line no-timestamp-in-prefix, KV102 -- r #}\nx\n';
    const r = apply(text, [diag('KV101', 2), diag('KV102', 2), diag('KV104', 2)]);
    expect(at(r.kept)).toEqual(['KV104@2']);
  });

  it('reports directives that suppressed nothing, and unused names of a used one', () => {
    const text = [
      '{# kvlint-disable-next-line KV101 -- r #}', // used
      'x',
      '{# kvlint-disable-next-line KV104 -- r #}', // nothing on line 4
      'y',
      '{# kvlint-disable-line KV101, KV102 -- r #}', // KV101 used, KV102 not
      '{# kvlint-enable KV101 #}', // nothing was disabled
    ].join('\n');
    const r = apply(text, [diag('KV101', 2), diag('KV101', 5)]);
    expect(r.kept).toEqual([]);
    expect(r.unused.map((d) => d.line)).toEqual([3, 6]);
    expect(r.unusedNames.map((u) => [u.directive.line, u.name])).toEqual([[5, 'KV102']]);
  });

  it('credits only the most specific directive, so a redundant one is reported', () => {
    const text = '{# kvlint-disable-file KV101 -- r #}\n{# kvlint-disable-next-line KV101 -- r #}\nx\n';
    const r = apply(text, [diag('KV101', 3)]);
    expect(r.kept).toEqual([]);
    expect(r.unused.map((d) => d.kind)).toEqual(['disable-file']);
  });

  it('reports disable directives without a reason, but not enables', () => {
    const text = '{# kvlint-disable #}\n{# kvlint-enable #}\n{# kvlint-disable-line KV101 #}\n{# kvlint-disable-next-line KV101 -- ok #}\n';
    const r = apply(text, [diag('KV101', 3), diag('KV101', 5)]);
    expect(r.missingReason.map((d) => [d.kind, d.line])).toEqual([
      ['disable', 1],
      ['disable-line', 3],
    ]);
    // The bare disable covered nothing; its enable did close it, so only the disable is unused (as ESLint).
    expect(r.unused.map((d) => d.kind)).toEqual(['disable']);
  });

  it('reports unknown rule names, which suppress nothing and are not also called unused', () => {
    const text = '{# kvlint-disable-next-line KV999 -- r #}\nx\n{# kvlint-disable-next-line KV101, no-such-rule -- r #}\ny\n';
    const r = apply(text, [diag('KV101', 2), diag('KV101', 4)]);
    expect(at(r.kept)).toEqual(['KV101@2']);
    expect(r.unknownRule.map((u) => [u.directive.line, u.name])).toEqual([
      [1, 'KV999'],
      [3, 'no-such-rule'],
    ]);
    expect(r.unused).toEqual([]);
    expect(r.unusedNames).toEqual([]);
  });

  it('is pure: inputs are untouched and order is kept', () => {
    const diags = [diag('KV102', 9), diag('KV101', 2), diag('KV102', 1)];
    const copy = structuredClone(diags);
    const directives = parseDirectives('{# kvlint-disable-next-line KV101 -- r #}\n', 'jinja');
    const dcopy = structuredClone(directives);
    const r = applyDirectives(diags, directives, resolveRule);
    expect(at(r.kept)).toEqual(['KV102@9', 'KV102@1']);
    expect(diags).toEqual(copy);
    expect(directives).toEqual(dcopy);
  });

  it('works end to end on a Markdown template', () => {
    const text = '# Prompt\n<!-- kvlint-disable KV402 -- tables -->\n| a |  \n| b |  \n<!-- kvlint-enable KV402 -->\ntail  \n';
    const r = applyDirectives([diag('KV402', 3), diag('KV402', 4), diag('KV402', 6)], parseDirectives(text, 'markdown'), resolveRule);
    expect(at(r.kept)).toEqual(['KV402@6']);
  });
});
