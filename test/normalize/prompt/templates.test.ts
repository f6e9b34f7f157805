import { describe, expect, it } from 'vitest';
import { KvlintError } from '../../../src/errors.js';
import { parsePrompt } from '../../../src/normalize/prompt/index.js';
import { fixture, inFile, seg, source, summary, where } from './helpers.js';

describe('jinja templates', () => {
  const doc = parsePrompt(fixture('templates/welcome.j2'));
  const s = seg(doc, 'system');

  it('is one role-less system segment', () => {
    expect(doc.format).toBe('jinja');
    expect(doc.syntax).toBe('jinja');
    expect(doc.segments.map(summary)).toEqual(['system/system/system']);
  });

  it('removes comments, keeps tags verbatim and lists them', () => {
    expect(s.text).not.toContain('kvlint fixture');
    expect(s.text.startsWith('\nYou are a support agent')).toBe(true);
    expect(s.placeholders?.map((p) => [p.kind, p.expr])).toEqual([
      ['variable', 'company.name'],
      ['include', "include 'policies.j2'"],
      ['block', 'for tool in tools'],
      ['variable', 'tool'],
      ['block', 'endfor'],
      ['variable', 'now() | strftime("%Y-%m-%d")'],
    ]);
    for (const p of s.placeholders ?? []) expect(s.text.slice(p.start, p.end)).toMatch(/^\{[{%][\s\S]*[}%]\}$/);
  });

  it('applies {#- -#} whitespace control and renders raw blocks literally', () => {
    expect(s.text).toContain("{% include 'policies.j2' %}{% for tool in tools %}");
    expect(s.text).toContain('Literal {{ not_a_var }}\n');
    expect(s.text).not.toContain('raw %}');
  });

  it('maps text offsets after a removed comment back to the right line and column', () => {
    expect(where(doc, s, 'You are')).toBe('2:1');
    expect(where(doc, s, '{{ company.name }}')).toBe(inFile(doc.file, '{{ company.name }}'));
    expect(where(doc, s, '{% for')).toBe('5:1');
    expect(where(doc, s, 'Literal')).toBe(inFile(doc.file, 'Literal'));
    expect(where(doc, s, 'Today is')).toBe('8:1');
  });

  it('refuses an unterminated tag with KVE306 and its line', () => {
    try {
      parsePrompt(source('bad.j2', 'ok\nline two {{ name\nmore'));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(KvlintError);
      expect((e as KvlintError).code).toBe('KVE306');
      expect((e as KvlintError).line).toBe(2);
      expect((e as KvlintError).file).toBe('bad.j2');
    }
  });
});

describe('handlebars and mustache templates', () => {
  it('removes both comment forms (a long comment may hold }}) and classifies tags', () => {
    const doc = parsePrompt(fixture('templates/card.hbs'));
    const s = seg(doc, 'system');
    expect(doc.format).toBe('handlebars');
    expect(s.text).not.toContain('fixture');
    expect(s.text).not.toContain('short comment');
    expect(s.placeholders?.map((p) => [p.kind, p.expr])).toEqual([
      ['variable', 'user.firstName'],
      ['block', '#each items'],
      ['variable', 'this.html'],
      ['block', '/each'],
      ['partial', 'footer'],
    ]);
    // `\{{escaped}}` renders as literal text without the backslash
    expect(s.text).toContain('\n{{escaped}}');
    expect(where(doc, s, 'Hello')).toBe('2:1');
    expect(where(doc, s, '{{{this.html}}}')).toBe('5:3');
    expect(where(doc, s, '{{> footer}}')).toBe('7:1');
    expect(where(doc, s, '{{escaped}}')).toBe('8:2');
  });

  it('reads mustache sections, inverted sections and & variables', () => {
    const doc = parsePrompt(fixture('templates/note.mustache'));
    expect(doc.format).toBe('mustache');
    expect(seg(doc, 'system').placeholders?.map((p) => [p.kind, p.expr])).toEqual([
      ['variable', 'name'],
      ['block', '#orders'],
      ['variable', 'id'],
      ['variable', 'eta'],
      ['block', '/orders'],
      ['block', '^orders'],
      ['block', '/orders'],
    ]);
  });
});

describe('plain text and markdown', () => {
  it('finds ${…}, {{…}} and Python fields, but not JSON braces or TeX arguments', () => {
    const doc = parsePrompt(fixture('templates/system.txt'));
    const s = seg(doc, 'system');
    expect(doc.format).toBe('text');
    expect(s.text).toBe(doc.file.text);
    expect(s.placeholders?.map((p) => p.expr)).toEqual(['cwd.toPosix()', 'user.name', 'currentDateTime', 'braces', 'Working directory']);
    expect(where(doc, s, '${Working')).toBe('5:1');
    expect(where(doc, s, '{user.name}')).toBe('1:54');
  });

  it('leaves fenced code alone in markdown', () => {
    const doc = parsePrompt(fixture('templates/agent.md'));
    const s = seg(doc, 'system');
    expect(doc.format).toBe('markdown');
    expect(s.placeholders?.map((p) => p.expr)).toEqual(['cwd', 'user_name']);
    expect(where(doc, s, '{user_name}')).toBe('10:5');
  });

  it('keeps CRLF text as is and maps lines through it', () => {
    const doc = parsePrompt(source('crlf.txt', 'one\r\ntwo {x}\r\nthree'));
    const s = seg(doc, 'system');
    expect(s.text).toBe('one\r\ntwo {x}\r\nthree');
    expect(where(doc, s, 'three')).toBe('3:1');
    expect(s.placeholders?.[0]?.expr).toBe('x');
  });

  it('reads a .txt with Jinja blocks as Jinja', () => {
    const doc = parsePrompt(source('p.txt', '{% if x %}a{% endif %}'));
    expect(doc.format).toBe('jinja');
  });
});

describe('dotprompt', () => {
  const doc = parsePrompt(fixture('templates/support.prompt'));

  it('puts tools first, then system, then turns; history is its own messages segment', () => {
    expect(doc.segments.map(summary)).toEqual([
      'tools/tool/tools',
      'system/system/system',
      'messages/history/history',
      'messages/user/messages[0] user',
      'messages/assistant/messages[1] assistant',
    ]);
    expect(doc.model).toBe('googleai/gemini-2.5-flash');
    expect(doc.provider).toBe('google');
    expect(doc.notes?.[0]).toMatch(/file header/);
  });

  it('makes the named tools one segment whose value keeps their order', () => {
    const t = seg(doc, 'tools');
    expect(t.value).toEqual(['lookupOrder', 'refundOrder']);
    expect(t.text).toBe('["lookupOrder","refundOrder"]');
    expect(where(doc, t, 'refundOrder')).toBe(inFile(doc.file, 'refundOrder'));
  });

  it('drops role markers and comments, and maps turns back to their lines', () => {
    const sys = seg(doc, 'system');
    expect(sys.text).toBe('You help {{name}} with orders.');
    expect(where(doc, sys, '{{name}}')).toBe('13:10');
    const user = seg(doc, 'messages[0] user');
    expect(user.text).toBe('Where is my order?');
    expect(where(doc, user, 'Where')).toBe('17:1');
    expect(seg(doc, 'messages[1] assistant').placeholders?.[0]).toMatchObject({ expr: 'section "answer"', kind: 'variable' });
  });

  it('treats text before any role marker as the user turn', () => {
    const d = parsePrompt(source('x.prompt', '---\nmodel: openai/gpt-4o\n---\nHello {{name}}'));
    expect(d.segments.map(summary)).toEqual(['messages/user/messages[0] user']);
    expect(d.provider).toBe('openai');
  });

  it('reports front matter that is never closed', () => {
    expect(() => parsePrompt(source('x.prompt', '---\nmodel: a\nHello'))).toThrow(/never closed/);
  });
});

describe('prompty', () => {
  const doc = parsePrompt(fixture('templates/chat.prompty'));

  it('reads v2 tools, model and the role sections in order', () => {
    expect(doc.segments.map(summary)).toEqual([
      'tools/tool/tools[0] get_time',
      'system/system/system',
      'messages/user/messages[0] user',
      'messages/assistant/messages[1] assistant',
    ]);
    expect(doc.model).toBe('gpt-4o');
    expect(doc.provider).toBe('openai');
    const tool = seg(doc, 'tools[0] get_time');
    expect(tool.value).toEqual({ name: 'get_time', kind: 'function', description: 'Current time in a zone', parameters: [{ name: 'zone', kind: 'string' }] });
    expect(where(doc, tool, 'Current time')).toBe('10:18');
  });

  it('scans the body as Jinja and maps it', () => {
    const sys = seg(doc, 'system');
    expect(sys.text).toBe('You are helpful. Context: {{ context }}');
    expect(where(doc, sys, 'Context')).toBe('16:31');
    expect(sys.placeholders?.[0]).toMatchObject({ expr: 'context', kind: 'variable' });
  });
});
