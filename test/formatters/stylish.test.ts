import { describe, expect, it } from 'vitest';
import { formatStylish, tokensLabel } from '../../src/formatters/stylish.js';
import { cleanReport, loadReport, OPTS } from './load-report.js';

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
