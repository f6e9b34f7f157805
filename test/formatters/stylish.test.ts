import { describe, expect, it } from 'vitest';
import { formatStylish, tokensLabel } from '../../src/formatters/stylish.js';
import { cleanReport, loadReport, OPTS } from './load-report.js';
import { cellWidth, wrapText } from '../../src/formatters/wrap.js';

describe('stylish', () => {
  it('groups findings by file, sorted, with aligned columns and tokens at risk', () => {
    const out = formatStylish(loadReport(), OPTS);
    expect(out.split('\n')).toEqual([
      'prompts/support agent.jinja',
      "   3:18  error    'Today is August 25, 2025' changes every day and precedes 3,912 cacheable tokens  KV101  ≈3,912 tok",
      "   7:12  warning  '{{ user.email }}' differs per user and precedes 3,650 cacheable tokens           KV104  ≈3,650 tok",
      '  12:41  info     2 trailing spaces at the end of the line                                          KV402',
      '',
      'tools/search-tools.json',
      "  2:3  warning  tools are not sorted by name: 'web_search' comes before 'fetch_page'  KV201  ~1,180 tok",
      '',
      'prompts/legacy.txt:4  KVE303  invalid UTF-8 at byte 213; save the file as UTF-8',
      '',
      '✖ 4 problems (1 error, 2 warnings, 1 info)',
      '  1 problem fixable with --fix',
      '  ≈5,092 cacheable tokens at risk',
      '  1 input not checked (see above)',
      '  2 files checked, 1 input skipped',
      '',
    ]);
  });

  it('has no escape codes with colour off, and colours severities with colour on', () => {
    const plain = formatStylish(loadReport(), OPTS);
    expect(plain).not.toMatch(/\x1b\[/);
    const coloured = formatStylish(loadReport(), { ...OPTS, color: true });
    expect(coloured).toContain('\x1b[31merror\x1b[39m');
    expect(coloured).toContain('\x1b[33mwarning\x1b[39m');
    expect(coloured).toContain('\x1b[4mprompts/support agent.jinja\x1b[24m');
    // Stripping the escapes gives back the plain layout: padding is computed on the plain text.
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe(plain);
  });

  it('prints one ✓ line for a clean run, mentioning skipped records, and ✖ for inputs not checked', () => {
    expect(formatStylish(cleanReport(3), OPTS)).toBe('✓ 3 files checked, no problems\n');
    const r = cleanReport(1);
    r.summary.skipped = 2;
    r.problems = [
      { code: 'KVE302', file: 'a.bin', message: 'binary file' },
      { code: 'KVE307', file: 'empty.md', message: 'empty.md is empty' },
    ];
    // inputs refused whole were not checked: never a ✓
    expect(formatStylish(r, OPTS)).toBe(
      'a.bin  KVE302  binary file\nempty.md  KVE307  empty.md is empty\n\n✖ 2 inputs not checked (see above)\n  1 file checked, no problems, 2 inputs skipped\n',
    );
    // a skipped record of a file that was checked keeps the ✓
    const rec = cleanReport(1);
    rec.files = [{ file: 'log.jsonl', kind: 'log', format: 'anthropic', diagnostics: [], errorCount: 0, warningCount: 0, infoCount: 0, fixableCount: 0 }];
    rec.summary.skipped = 1;
    rec.problems = [{ code: 'KVE306', file: 'log.jsonl', line: 3, message: 'not JSON' }];
    expect(formatStylish(rec, OPTS)).toMatch(/\n✓ 1 file checked, no problems, 1 input skipped\n$/);
  });

  it('shows exact totals without ≈ and flattens multi-line messages', () => {
    const r = loadReport();
    r.summary.approx = false;
    const f = r.files[0]!;
    f.diagnostics[0]!.message = 'first line\nsecond line';
    const out = formatStylish(r, OPTS);
    expect(out).toContain('  5,092 cacheable tokens at risk\n');
    expect(out).toContain('warning  first line second line  KV201');
  });

  it('labels tokens exact (~) or approximate (≈) and omits zero', () => {
    expect(tokensLabel({ tokensAtRisk: 1234567, approx: false })).toBe('~1,234,567 tok');
    expect(tokensLabel({ tokensAtRisk: 12, approx: true })).toBe('≈12 tok');
    expect(tokensLabel({ tokensAtRisk: 0 })).toBe('');
    expect(tokensLabel({})).toBe('');
  });

  it('makes absolute paths relative to cwd', () => {
    const r = loadReport();
    r.problems[0]!.file = '/repo/prompts/legacy.txt';
    expect(formatStylish(r, OPTS)).toContain('\nprompts/legacy.txt:4  KVE303');
  });
});

describe('stylish fits the terminal', () => {
  /** A report whose messages are long, as log findings' are, with a long tokens label. */
  function longReport() {
    const r = loadReport();
    const d = r.files[0]!.diagnostics[0]!;
    d.message = `${d.message} (char 54, token 100 in 'messages[1] user'); move it after the last cached token, into the final user turn, and render it there`;
    d.savedMicro = 1_234_567;
    return r;
  }

  for (const width of [80, 120]) {
    it(`at ${width} columns wraps messages, never the rule code`, async () => {
      const out = formatStylish(longReport(), { ...OPTS, width });
      await expect(out).toMatchFileSnapshot(`__snapshots__/stylish-${width}.txt`);
      const lines = out.split('\n');
      for (const l of lines) expect(cellWidth(l), l).toBeLessThanOrEqual(width);
      // every finding's first line carries its code; no line is a code on its own
      const rows = lines.filter((l) => /^\s+\d+:\d+\s/.test(l));
      expect(rows).toHaveLength(4);
      for (const row of rows) expect(row).toMatch(/ {2}KV\d{3}( {2}|$)/);
      for (const l of lines) expect(l.trim()).not.toMatch(/^KV\d{3}/);
      // wrapping loses no word
      const words = (s: string) => s.split(/\s+/).filter(Boolean);
      const msg = longReport().files[0]!.diagnostics[0]!.message;
      expect(words(out)).toEqual(expect.arrayContaining(words(msg)));
    });
  }

  it('does not wrap without a width (a pipe, a file, a CI log)', () => {
    const out = formatStylish(longReport(), OPTS);
    expect(out.split('\n').filter((l) => /^\s+\d+:\d+\s/.test(l))).toHaveLength(4);
    expect(out.split('\n').some((l) => cellWidth(l) > 200)).toBe(true);
  });

  it('moves the tokens label under the message on a narrow terminal', () => {
    const out = formatStylish(longReport(), { ...OPTS, width: 60 });
    const lines = out.split('\n');
    const i = lines.findIndex((l) => l.includes('KV201'));
    expect(lines[i]).not.toContain('tok');
    expect(lines.slice(i + 1, i + 8).some((l) => /^ {16}~1,180 tok · \$1\.23 if fixed$/.test(l))).toBe(true);
    for (const l of lines.filter((x) => /^\s+\d+:\d+\s/.test(x))) expect(l).toMatch(/KV\d{3}/);
  });
});

describe('wrapText', () => {
  it('wraps at spaces, cuts words longer than a line, and counts code points', () => {
    expect(wrapText('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(wrapText('aaaaaaaaaa b', 4)).toEqual(['aaaa', 'aaaa', 'aa b']);
    expect(wrapText('', 10)).toEqual(['']);
    expect(wrapText('≈≈≈ 😀😀', 6)).toEqual(['≈≈≈ 😀😀']);
    expect(cellWidth('😀a')).toBe(2);
  });
});
