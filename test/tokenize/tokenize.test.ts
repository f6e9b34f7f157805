import fc from 'fast-check';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { encodingForModel, loadTokenizer } from '../../src/tokenize/index.js';

describe('encodingForModel', () => {
  it('uses cl100k for older OpenAI models and o200k for newer ones', () => {
    expect(encodingForModel('gpt-4-turbo')).toEqual({ encoding: 'cl100k_base', approx: false });
    expect(encodingForModel('gpt-3.5-turbo')).toEqual({ encoding: 'cl100k_base', approx: false });
    expect(encodingForModel('gpt-4o-mini')).toEqual({ encoding: 'o200k_base', approx: false });
    expect(encodingForModel('gpt-4.1')).toEqual({ encoding: 'o200k_base', approx: false });
    expect(encodingForModel('o3')).toEqual({ encoding: 'o200k_base', approx: false });
  });

  it('marks counts for vendors without a public tokenizer as approximate, counted with cl100k', () => {
    expect(encodingForModel('claude-sonnet-4-5')).toEqual({ encoding: 'cl100k_base', approx: true });
    expect(encodingForModel('gemini-2.5-pro')).toEqual({ encoding: 'cl100k_base', approx: true });
    expect(encodingForModel(undefined).approx).toBe(false);
  });
});

describe('loadTokenizer', () => {
  it('counts tokens and memoizes by text', async () => {
    const tok = await loadTokenizer('gpt-4o');
    expect(tok.count('')).toBe(0);
    expect(tok.count('hello world')).toBe(2);
    const long = 'The quick brown fox jumps over the lazy dog. '.repeat(50);
    const n = tok.count(long);
    expect(n).toBeGreaterThan(400);
    expect(tok.count(long)).toBe(n);
  });

  it('counts differently under cl100k and o200k', async () => {
    const a = await loadTokenizer('gpt-4');
    const b = await loadTokenizer('gpt-4o');
    const text = 'こんにちは世界、プロンプトキャッシュ';
    expect(a.encoding).toBe('cl100k_base');
    expect(a.count(text)).not.toBe(b.count(text));
  });

  it('counts a long prompt whose first line or end changes exactly as the library does, each time', async () => {
    // a date or id on the first line, or a clock at the end: the count is split and memoized, never changed
    const tok = await loadTokenizer('gpt-4o');
    const body = 'You are a careful assistant for the billing team. Answer briefly, cite the policy, and never guess.\n'.repeat(60);
    const line = fc.string({ maxLength: 80, unit: fc.constantFrom('a', 'Z', ' ', '7', ':', '-', 'é', '\n', '日', '\r') });
    fc.assert(
      fc.property(line, line, (top, end) => {
        for (const text of [`${top}\n${body}`, `${body}${end}`, `${top}${body}${end}`]) expect(tok.count(text)).toBe(countTokens(text));
      }),
      { seed: 9, numRuns: 150 },
    );
  });
});

