// The counter in src/tokenize/bpe.ts must give exactly gpt-tokenizer's countTokens: its lookups rest on
// invariants of the rank tables (checked here), and its split and merges are compared with the library
// on random text built to hit the split regex's edge cases (ASCII next to non-ASCII letters, marks,
// Unicode spaces, contractions, digits, CR/LF runs, surrogates).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BpeCounter } from '../../src/tokenize/bpe.js';
import { tablesFromRanks } from '../../src/tokenize/rank-file.js';
import cl100kRanks from 'gpt-tokenizer/bpeRanks/cl100k_base';
import o200kRanks from 'gpt-tokenizer/bpeRanks/o200k_base';
import * as cl100k from 'gpt-tokenizer/encoding/cl100k_base';
import * as o200k from 'gpt-tokenizer/encoding/o200k_base';
import { CL100K_TOKEN_SPLIT_REGEX, O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/encodingParams/constants';

const encodings = [
  { name: 'o200k_base', ranks: o200kRanks, split: O200K_TOKEN_SPLIT_REGEX, lib: o200k },
  { name: 'cl100k_base', ranks: cl100kRanks, split: CL100K_TOKEN_SPLIT_REGEX, lib: cl100k },
] as const;

/** Pieces of text that sit on the split regex's edges. */
const ATOMS = [
  'a', 'b', 'Z', 'Q', 'the', 'The', 'HTTP', 'Server', 'ing', ' ', ' ', '  ', '\t', '\n', '\r\n', '\r', '\n\n', '\v', '\f',
  "'", "'s", "'S", "'ll", "'LL", "'ve", "'re", "'d", "'m", "'t", "'x", '1', '12', '1234', '0', '.', ',', '!', '/', '//', '-', '_', '"', '(', ')', '$', '\u001f',
  'é', 'É', 'données', 'Über', 'ß', 'проверка', 'Ж', '変更', 'ログ', '테스트', '修复', '\u0301', 'e\u0301', '\u00a0', '\u3000', '\u2028', '\u200b', '\ufeff', '\ufeffusing', '\ufeff\n',
  '—', '…', '“', '”', '€', '😀', '👍🏽', '\ud83d', '\ude00', '١٢٣', '²', 'ǅ', 'ʰ', '<', '|', '>',
];
const text = fc.array(fc.constantFrom(...ATOMS), { maxLength: 60 }).map((xs) => xs.join(''));

describe.each(encodings)('BpeCounter ($name)', ({ ranks, split, lib }) => {
  const counter = new BpeCounter(tablesFromRanks(ranks, split));
  lib.setMergeCacheSize(0);

  it('rests on the rank tables: strings are well-formed, byte tokens are not UTF-8 (or start with a BOM), no bytes twice', () => {
    const fatal = new TextDecoder('utf-8', { fatal: true });
    const seen = new Set<string>();
    let checked = 0;
    ranks.forEach((t) => {
      const bytes = typeof t === 'string' ? new TextEncoder().encode(t) : Uint8Array.from(t);
      if (typeof t === 'string') expect(new TextDecoder().decode(new TextEncoder().encode(t)) === t && !t.startsWith('\ufeff')).toBe(true);
      else if (!(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)) expect(() => fatal.decode(bytes)).toThrow();
      const key = Buffer.from(bytes).toString('latin1');
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      checked++;
    });
    expect(checked).toBeGreaterThan(90_000);
  });

  it('counts exactly what gpt-tokenizer counts on edge-case text', () => {
    fc.assert(
      fc.property(text, (t) => {
        if (t.includes('<|')) return;
        expect(counter.count(t)).toBe(lib.countTokens(t));
      }),
      { seed: 20261126, numRuns: 3000 },
    );
  });

  it('counts exactly what gpt-tokenizer counts on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 200 }), (a, b) => {
        for (const t of [a, b, `${a} ${b}`]) if (!t.includes('<|')) expect(counter.count(t)).toBe(lib.countTokens(t));
      }),
      { seed: 7, numRuns: 1000 },
    );
  });

  it('counts long prose and long runs (merges past the scratch size, memo reuse)', () => {
    const samples = [
      'x'.repeat(5000),
      'é'.repeat(3000),
      '変更'.repeat(2000),
      ' '.repeat(4000) + 'a',
      `${'word '.repeat(500)}données ${'\n'.repeat(30)}  \u00a0\n`,
      'Supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis',
    ];
    for (const t of samples) {
      expect(counter.count(t)).toBe(lib.countTokens(t));
      expect(counter.count(t)).toBe(lib.countTokens(t));
    }
  });
});

describe('loadTokenizer: long texts counted in two parts at a cut point', () => {
  it('counts long texts and their prefixes exactly as the library does', async () => {
    const { loadTokenizer } = await import('../../src/tokenize/index.js');
    for (const { lib, model } of [
      { lib: o200k, model: 'gpt-4o' },
      { lib: cl100k, model: 'claude-sonnet-4-6' },
    ]) {
      const tok = await loadTokenizer(model);
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...ATOMS), { minLength: 900, maxLength: 1500 }), fc.nat(), (xs, at) => {
          const t = xs.join('');
          if (t.includes('<|')) return;
          const p = at % t.length;
          expect(tok.count(t)).toBe(lib.countTokens(t));
          expect(tok.count(t.slice(0, p))).toBe(lib.countTokens(t.slice(0, p)));
          expect(tok.count(`${t} and a new tail`)).toBe(lib.countTokens(`${t} and a new tail`));
        }),
        { seed: 5, numRuns: 60 },
      );
    }
  });
});

describe('loadBpeCounter: special tokens', () => {
  it('counts text that spells a special token as ordinary text, as providers tokenize message content', async () => {
    const { loadBpeCounter } = await import('../../src/tokenize/bpe.js');
    for (const { name, lib } of [
      { name: 'o200k_base' as const, lib: o200k },
      { name: 'cl100k_base' as const, lib: cl100k },
    ]) {
      const count = await loadBpeCounter(name);
      for (const t of ['a <|endoftext|> b', 'x<|im_start|>y<|im_end|>', '<|fim_prefix|>', 'data <|endofprompt|>']) {
        expect(count(t)).toBe(lib.countTokens(t, { disallowedSpecial: new Set() }));
        expect(count(t)).toBeGreaterThan(3); // `<|endoftext|>` is several ordinary tokens, not one control token
      }
      for (const t of ['a <| b |> c', '<|not_special|>', '<|endoftext', '<|<|']) expect(count(t)).toBe(lib.countTokens(t));
    }
  });
});
