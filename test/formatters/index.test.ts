import { describe, expect, it } from 'vitest';
import { KvlintError } from '../../src/errors.js';
import { FORMAT_CHOICES } from '../../src/cli.js';
import { FORMATTER_NAMES, formatPieces, getFormatter, isMachineFormat } from '../../src/formatters/index.js';
import { formatJson } from '../../src/formatters/json.js';
import { formatStylish } from '../../src/formatters/stylish.js';
import { LazyList } from '../../src/list.js';
import type { ProjectedRequest } from '../../src/project/projection-summary.js';
import { loadReport, OPTS } from './load-report.js';

describe('getFormatter', () => {
  it('returns the formatter for each known name', () => {
    expect(getFormatter('stylish')).toBe(formatStylish);
    expect(getFormatter('json')).toBe(formatJson);
    for (const name of FORMATTER_NAMES) expect(typeof getFormatter(name)).toBe('function');
  });

  it('rejects an unknown name with KVE101 listing the valid ones', () => {
    for (const bad of ['markdown', 'JSON', 'toString', '__proto__', '']) {
      let err: unknown;
      try {
        getFormatter(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(KvlintError);
      expect((err as KvlintError).code).toBe('KVE101');
      expect((err as KvlintError).message).toContain('valid formats: stylish, json, sarif, github, html');
    }
  });

  it('treats every format but stylish as machine output', () => {
    expect(FORMATTER_NAMES.filter(isMachineFormat)).toEqual(['json', 'sarif', 'github', 'html', 'gitlab', 'junit', 'unix']); // html: no ANSI colour in a file
  });

  it('offers on the command line exactly the formats it registers', () => {
    expect([...FORMAT_CHOICES]).toEqual([...FORMATTER_NAMES]);
  });
});

describe('formatPieces', () => {
  it('writes json and sarif in pieces, the rows of a large projection included, joining to the whole text', () => {
    const report = loadReport();
    const now = { tokens: 2000, read: 1024, write: 0, uncached: 976, pico: { uncached: 97600000, write: 0, read: 10240000, output: 0 }, ttftMs: 80.5 };
    const row = (i: number): ProjectedRequest => ({ file: 'logs/a.jsonl', index: i, line: i + 1, lineage: 'u-1', provider: 'openai', model: 'gpt-4o', outputTokens: 0, now });
    report.projection = { requests: new LazyList(20_000, row) } as unknown as NonNullable<typeof report.projection>;
    for (const name of ['json', 'sarif'] as const) {
      const pieces = [...formatPieces(name, report, OPTS)];
      expect(pieces.length, name).toBeGreaterThan(10);
      const text = pieces.join('');
      expect(text).toBe(getFormatter(name)(report, OPTS));
      const parsed = JSON.parse(text) as { projection?: { requests: unknown[] }; runs?: { properties: { projection: { requests: unknown[] } } }[] };
      const rows = name === 'json' ? parsed.projection!.requests : parsed.runs![0]!.properties.projection.requests;
      expect(rows).toHaveLength(20_000);
      expect(rows[19_999]).toEqual(row(19_999));
    }
  });

  it('gives other formats as one piece, and rejects an unknown one', () => {
    expect([...formatPieces('stylish', loadReport(), OPTS)]).toEqual([formatStylish(loadReport(), OPTS)]);
    expect(() => formatPieces('markdown', loadReport(), OPTS)).toThrow(KvlintError);
  });
});
