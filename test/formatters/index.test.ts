import { describe, expect, it } from 'vitest';
import { KvlintError } from '../../src/errors.js';
import { FORMATTER_NAMES, getFormatter, isMachineFormat } from '../../src/formatters/index.js';
import { formatJson } from '../../src/formatters/json.js';
import { formatStylish } from '../../src/formatters/stylish.js';

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
    expect(FORMATTER_NAMES.filter(isMachineFormat)).toEqual(['json', 'sarif', 'github', 'html']); // html: no ANSI colour in a file
  });
});
