import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, formatGithub, workflowCommand } from '../../src/formatters/github.js';
import { cleanReport, loadReport, OPTS } from './load-report.js';

describe('github', () => {
  it('prints one annotation per finding, problems as warnings, and a closing notice', () => {
    expect(formatGithub(loadReport(), OPTS).split('\n')).toEqual([
      "::error file=prompts/support agent.jinja,line=3,col=18,endLine=3,endColumn=42,title=KV101 no-timestamp-in-prefix::'Today is August 25, 2025' changes every day and precedes 3,912 cacheable tokens",
      "::warning file=prompts/support agent.jinja,line=7,col=12,endLine=7,endColumn=28,title=KV104 no-user-data-in-prefix::'{{ user.email }}' differs per user and precedes 3,650 cacheable tokens",
      '::notice file=prompts/support agent.jinja,line=12,col=41,endLine=12,endColumn=43,title=KV402 no-trailing-whitespace::2 trailing spaces at the end of the line',
      "::warning file=tools/search-tools.json,line=2,col=3,endLine=14,endColumn=4,title=KV201 require-sorted-tools::tools are not sorted by name: 'web_search' comes before 'fetch_page'",
      '::warning file=prompts/legacy.txt,line=4::KVE303 invalid UTF-8 at byte 213; save the file as UTF-8',
      '::notice::kvlint: 4 problems (1 error, 2 warnings, 1 info) in 2 files, 1 fixable with --fix, ≈5,092 cacheable tokens at risk, 1 input skipped',
      '',
    ]);
  });

  it('escapes data and properties like @actions/core', () => {
    expect(escapeData('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext: a, b');
    expect(escapeProperty('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext%3A a%2C b');
    // `%` is escaped first, so an existing `%3A` in the text is not mistaken for an escape.
    expect(escapeData('%3A')).toBe('%253A');
  });

  it('escapes %, :, , and newlines inside a real finding', () => {
    const r = loadReport();
    const d = r.files[1]!.diagnostics[2]!;
    d.file = 'prompts/a,b:c%.jinja';
    d.message = "50% of 'x: y, z'\nspans two lines";
    const first = formatGithub(r, OPTS).split('\n')[0];
    expect(first).toBe(
      "::error file=prompts/a%2Cb%3Ac%25.jinja,line=3,col=18,endLine=3,endColumn=42,title=KV101 no-timestamp-in-prefix::50%25 of 'x: y, z'%0Aspans two lines",
    );
    // Every command stays on one physical line.
    expect(formatGithub(r, OPTS).trimEnd().split('\n')).toHaveLength(6);
  });

  it('omits undefined properties and summarizes a clean run', () => {
    expect(workflowCommand('notice', { file: 'a.md', line: undefined }, 'hi')).toBe('::notice file=a.md::hi');
    expect(formatGithub(cleanReport(2), OPTS)).toBe('::notice::kvlint: 2 files checked, no problems\n');
  });

  it('reports a fatal error as an ::error line', () => {
    const out = formatGithub(cleanReport(0), {
      ...OPTS,
      failure: { code: 'KVE201', message: 'rules.KV999: unknown rule', file: '/repo/kvlint.config.yaml', line: 7 },
    });
    expect(out).toContain('::error file=kvlint.config.yaml,line=7::KVE201 rules.KV999: unknown rule\n');
  });
});
