// canonicalText skips replacements a quick test finds nothing for, and findPattern scans once with the
// patterns joined: both must answer exactly as the plain forms below.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findPattern, findTimestamp, mayHoldTimestamp, IDENTIFIER_PATTERNS, TIMESTAMP_PATTERNS, USER_DATA_PATTERNS } from '../../src/prefix/diff.js';
import { canonicalText } from '../../src/prefix/hash.js';

function plainCanonical(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u200B-\u200D\u2060\uFEFF]/g, '')
    .replace(/[ \t\u00A0]+$/gm, '')
    .normalize('NFC');
}

function plainFind(text: string, patterns: readonly RegExp[]): { index: number; match: string } | undefined {
  let best: { index: number; match: string } | undefined;
  for (const re of patterns) {
    const m = new RegExp(re.source, re.flags).exec(text);
    if (m && (!best || m.index < best.index)) best = { index: m.index, match: m[0] };
  }
  return best;
}

const ATOMS = [
  'a', 'Z', ' ', '\t', '\u00a0', '\n', '\r', '\r\n', '\u2028', '\u2029', '\u200b', '\u200d', '\u2060', '\ufeff', 'e\u0301', 'é', 'ﬁ',
  '2026-11-26', 'T10:20:30Z', '+02:00', '26/11/2026', '3.4.2026', 'Mon, Nov 26', 'November 26th, 2026', '26 Nov 2026', '10:20:30 PM',
  '1764147600', '1764147600123', 'Sept', 'Jan', '1', '12', ':', '-', '.', '/', ',', 'req_abcdefgh1234', 'deadbeefdeadbeef1',
  '123e4567-e89b-12d3-a456-426614174000', 'me@example.com', '/home/alice', '+1 555 123 4567',
];
const text = fc.array(fc.constantFrom(...ATOMS), { maxLength: 40 }).map((xs) => xs.join(''));

describe('canonicalText', () => {
  it('equals the plain chain of replacements', () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ unit: 'binary', maxLength: 80 })), (t) => {
        expect(canonicalText(t)).toBe(plainCanonical(t));
      }),
      { seed: 11, numRuns: 3000 },
    );
  });
});

describe('findPattern', () => {
  it('finds what trying each pattern finds', () => {
    fc.assert(
      fc.property(text, (t) => {
        for (const patterns of [TIMESTAMP_PATTERNS, IDENTIFIER_PATTERNS, USER_DATA_PATTERNS]) expect(findPattern(t, patterns)).toEqual(plainFind(t, patterns));
      }),
      { seed: 12, numRuns: 3000 },
    );
  });
});

describe('findTimestamp', () => {
  // digits after letters and non-ASCII letters (a \b before a digit), epoch-like runs of every length
  const more = ['검증', 'ж', 'word', '_', '1234567890', '15', '1599999999', '9', '0', 'May', 'Dec.', ' ', '-', ':'];
  const mixed = fc.array(fc.constantFrom(...ATOMS, ...more), { maxLength: 40 }).map((xs) => xs.join(''));
  it('finds what findPattern finds, and mayHoldTimestamp holds wherever a pattern matches', () => {
    fc.assert(
      fc.property(fc.oneof(mixed, fc.string({ unit: 'binary', maxLength: 80 })), (t) => {
        const want = plainFind(t, TIMESTAMP_PATTERNS);
        expect(findTimestamp(t)).toEqual(want);
        if (want) expect(mayHoldTimestamp(t)).toBe(true);
      }),
      { seed: 13, numRuns: 5000 },
    );
  });
});

describe('segmentHash with recently seen texts', () => {
  it('gives the plain SHA-256 whether or not the text was seen, and keeps the text equal', async () => {
    const { createHash } = await import('node:crypto');
    const { segmentHash } = await import('../../src/prefix/hash.js');
    const plain = (level: string, role: string, text: string) => createHash('sha256').update(`${level}\u0000${role}\u0000`).update(text).digest('hex');
    const long = 'a system prompt that is resent on every request. '.repeat(40);
    const a = { level: 'system' as const, role: 'system', label: 'system', text: `${long}` };
    const b = { level: 'system' as const, role: 'system', label: 'system', text: `${long.slice(0, 10)}${long.slice(10)}` };
    const c = { level: 'messages' as const, role: 'user', label: 'user', text: `${long.slice(0, 20)}${long.slice(20)}` };
    expect(segmentHash(a)).toBe(plain('system', 'system', long));
    expect(segmentHash(b)).toBe(plain('system', 'system', long));
    expect(segmentHash(c)).toBe(plain('messages', 'user', long));
    expect(b.text).toBe(long);
    expect(c.text).toBe(long);
  });
});

describe('segmentHash with texts that look alike', () => {
  it('never takes the hash of a different text of the same length and ends', async () => {
    const { createHash } = await import('node:crypto');
    const { segmentHash } = await import('../../src/prefix/hash.js');
    const plain = (text: string) => createHash('sha256').update('system\u0000system\u0000').update(text).digest('hex');
    const base = 'x'.repeat(300);
    for (const at of [30, 100, 200, 260]) {
      const text = `${base.slice(0, at)}y${base.slice(at + 1)}`;
      const seg = { level: 'system' as const, role: 'system', label: 'system', text };
      expect(segmentHash(seg)).toBe(plain(text));
      expect(seg.text).toBe(text);
    }
    expect(segmentHash({ level: 'system', role: 'system', label: 'system', text: base })).toBe(plain(base));
  });
});
