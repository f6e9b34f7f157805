import { Chalk } from 'chalk';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatHtml } from '../../src/formatters/html.js';
import { renderTimeline } from '../../src/formatters/timeline.js';
import { LazyList } from '../../src/list.js';
import { analyzeLogs } from '../../src/logs/analyze.js';
import { loadTokenizer } from '../../src/tokenize/index.js';
import type { LineageView, LogView, TimelineEntry } from '../../src/logs/types.js';

describe('renderTimeline', () => {
  it('prints one table per lineage with ≈ for stand-in counts and the divergence cause', async () => {
    const abs = resolve(__dirname, '../../fixtures/logs/claude-code.jsonl');
    const a = await analyzeLogs([{ abs, rel: 'fixtures/logs/claude-code.jsonl' }], { tokenizer: await loadTokenizer() });
    const text = renderTimeline(a, new Chalk({ level: 0 }));
    expect(text).toContain('lineage s1 (session, anthropic, 2026-01-01)');
    // without a projection the read column is -: the timeline shows what the log proves
    expect(text).toMatch(/#2\s+10:00:22\s+≈10,603\s+≈8,000\s+-\s+≈2,540\s+tool-set-change KV107 at prefix not in the log/);
    expect(text).toContain('cache read fell from 10540 to 8000 tokens');
    expect(text).toContain('3 requests');
    expect(text).not.toMatch(/\u001b\[/);
  });
});

describe('a lineage of more requests than a function call takes arguments', () => {
  // 200,000 requests in one lineage (one user's day): Math.max(...widths) over them threw a RangeError
  const n = 200_000;
  let built = 0;
  const entry = (k: number): TimelineEntry => {
    built++;
    const e: TimelineEntry = { index: k, file: 'day.jsonl', line: k + 1, tokens: 1000 + k, approx: false, reusedTokens: k ? 1000 : 0, lostTokens: 0, hashes: { segments: 1, from: 0, rawChain: [], canonicalFrom: 0, canonicalChain: [] } };
    if (k > 0) e.previous = k - 1;
    if (k === 123_456) e.divergence = { segment: 0, label: 'system', charOffset: 14, tokenOffset: 3, cause: 'timestamp', code: 'KV101', excerpt: '[-09:14-]{+09:15+}' };
    return e;
  };
  const lineage: LineageView = { lineage: 'u-1', lineageSource: 'user', provider: 'openai', requests: new LazyList(n, entry), tokens: 0, reusedTokens: 0, lostTokens: 0, breaks: 1 };
  const logs: LogView = { files: [], lineages: [lineage], diagnostics: [], problems: [], summary: { files: 1, requests: n, lineages: 1, breaks: 1, tokens: 0, reusedTokens: 0, lostTokens: 0, approx: false, skipped: {} } };

  it('prints its table from two passes over the requests, folding the quiet runs', () => {
    built = 0;
    const text = renderTimeline(logs, new Chalk({ level: 0 }));
    expect(text).toContain('… 123455 requests (#1–#123455) reused the prefix');
    expect(text).toMatch(/#123456 .* timestamp KV101 at system @14/);
    expect(text).toContain('… 76542 requests (#123457–#199998) reused the prefix');
    expect(text).toContain('200000 requests');
    expect(built).toBeLessThan(2 * n + 10);
  });

  it('draws its html chart and break table', () => {
    const report = { version: '0.1.0', files: [], problems: [], rules: {}, summary: { files: 1, errors: 0, warnings: 0, infos: 0, fixable: 0, tokensAtRisk: 0, approx: false, skipped: 0 }, logs };
    const html = formatHtml(report, { color: false, cwd: '/repo', version: '0.1.0' });
    expect(html).toContain('200,000 requests, each bar averages 834');
    expect(html).toContain('timestamp KV101');
  });
});
