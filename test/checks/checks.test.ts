import { describe, expect, it } from 'vitest';
import { CHECKS, METADATA_CHECKS } from '../../src/checks/index.js';
import { exactEdit } from '../../src/checks/fixes.js';
import { exprWords, segmentHoles } from '../../src/checks/holes.js';
import { locateJsonPath, toolName } from '../../src/checks/tools.js';
import { compareToolNames } from '../../src/checks/tool-order.js';
import { defineCheck, validateOptions } from '../../src/engine/rule.js';
import { makeDoc } from '../helpers/rule-tester.js';

describe('check registry', () => {
  it('is sorted by name and keyed by each check’s own name', () => {
    const names = [...CHECKS.keys()];
    expect(names).toEqual([...names].sort());
    for (const [name, check] of CHECKS) expect(check.name).toBe(name);
    for (const name of METADATA_CHECKS) expect(CHECKS.has(name)).toBe(true);
  });
  it('declares a doc and a well-typed default for every option', () => {
    for (const check of CHECKS.values()) {
      for (const [key, spec] of Object.entries(check.options)) {
        expect(spec.doc, `${check.name}.${key}`).not.toBe('');
        if (spec.enum && spec.default === '') continue; // a required option: no valid default
        expect(validateOptions(check.options, { [key]: spec.default }), `${check.name}.${key}`).toBeUndefined();
      }
    }
  });
});

describe('validateOptions', () => {
  const spec = {
    n: { type: 'number' as const, default: 0, min: 0, doc: 'n' },
    re: { type: 'regexes' as const, default: [] as string[], doc: 're' },
    mode: { type: 'string' as const, default: 'a', enum: ['a', 'b'], doc: 'm' },
  };
  it.each([
    [{ x: 1 }, /unknown option 'x'/],
    [{ n: 'one' }, /must be a number/],
    [{ n: -1 }, /at least 0/],
    [{ re: ['('] }, /invalid regular expression/],
    [{ re: 'a' }, /list of strings/],
    [{ mode: 'c' }, /one of: a, b/],
  ])('rejects %j', (opts, message) => {
    expect(validateOptions(spec, opts)).toMatch(message);
  });
  it('runs a check’s own validation after the types', () => {
    const c = defineCheck({ name: 'x', scopes: ['template'], options: spec, messageIds: {}, validate: (o) => (o.n > 3 ? 'too big' : undefined), run() {} });
    expect(c.validate({ n: 4 })).toBe('too big');
    expect(c.validate({ n: 'x' })).toMatch(/number/);
  });
});

describe('exprWords', () => {
  it.each([
    ['currentDateTime', 'current date time'],
    ['runtime_info.date', 'runtime info date'],
    ['os.homedir().toPosix()', 'os homedir to posix'],
    ['new Date().toISOString()', 'new date to iso string'],
    ['Last 5 Recent commits', 'last 5 recent commits'],
    ['user.first_name | upper', 'user first name upper'],
  ])('%s → %s', (expr, words) => expect(exprWords(expr)).toBe(words));
});

describe('segmentHoles', () => {
  it('uses the parser’s placeholders when present', () => {
    const doc = makeDoc([{ level: 'system', text: 'a {{ b }}' }]);
    expect(segmentHoles(doc, doc.segments[0]!).map((h) => h.expr)).toEqual(['b']);
  });
  it('scans plain text for ${…}, {{…}} and {identifier}, but not URL route templates', () => {
    const doc = makeDoc([{ level: 'system', text: 'cwd ${cwd.toPosix()} at {datetime}, see /artifact/{uuid} and {"a": 1}' }], { syntax: 'text' });
    expect(segmentHoles(doc, doc.segments[0]!).map((h) => h.expr)).toEqual(['cwd.toPosix()', 'datetime']);
  });
});

describe('tool helpers', () => {
  it('names tools in Anthropic, OpenAI and Bedrock shapes', () => {
    const seg = (value: unknown) => ({ level: 'tools' as const, role: 'tool', label: 'tools[0]', text: '', value });
    expect(toolName(seg({ name: 'a' }))).toBe('a');
    expect(toolName(seg({ type: 'function', function: { name: 'b' } }))).toBe('b');
    expect(toolName(seg({ toolSpec: { name: 'c' } }))).toBe('c');
    expect(toolName({ ...seg(undefined), label: 'tools[3] Bash' })).toBe('Bash');
  });
  it('locates JSON paths in text', () => {
    const text = '{ "a": {"b": [1, {"c": "x\\"y"}]}, "d": 2 }';
    expect(locateJsonPath(text, ['d'])).toBe(text.indexOf('"d"'));
    expect(locateJsonPath(text, ['a', 'b', 1, 'c'])).toBe(text.indexOf('"c"'));
    expect(locateJsonPath(text, ['zz'])).toBeUndefined();
    expect(locateJsonPath('not json', ['a'])).toBeUndefined();
  });
  it('orders names ignoring case, code points breaking ties', () => {
    expect(['b', 'B', 'a', 'C'].sort((x, y) => compareToolNames(x, y, false))).toEqual(['a', 'B', 'b', 'C']);
  });
});

describe('exactEdit', () => {
  it('maps a verbatim slice to file offsets', () => {
    const doc = makeDoc([{ level: 'system', text: 'one' }, { level: 'system', text: 'two  ' }]);
    expect(exactEdit(doc.file, doc.segments[1]!, 3, 5, '')).toEqual({ start: 7, end: 9, text: '' });
  });
  it('refuses when the source differs from the segment text (an escape)', () => {
    const doc = makeDoc([{ level: 'system', text: 'a\\tb' }]);
    const seg = { ...doc.segments[0]!, text: 'a\tb' };
    expect(exactEdit(doc.file, seg, 1, 2, ' ')).toBeUndefined();
  });
});
