// Token counting. gpt-tokenizer's data is imported lazily (it costs ~150 ms to load) and counted by
// ./bpe.ts, and every distinct text is counted once per run: logs resend the same system prompt and
// history on every request.
import { createHash } from 'node:crypto';
import { loadBpeCounter } from './bpe.js';

export type EncodingName = 'o200k_base' | 'cl100k_base';

export interface Tokenizer {
  encoding: EncodingName;
  /** true when the model's own tokenizer is not public and counts are a stand-in (shown as ≈) */
  approx: boolean;
  /** number of tokens in text */
  count(text: string): number;
}

/** Older OpenAI models use cl100k_base; everything newer (and the stand-in for other vendors) o200k_base. */
const CL100K_MODELS = /^(gpt-4(?!o|\.1|\.5)|gpt-3\.5|text-embedding-(ada|3)|davinci|babbage)/i;
/** Vendors whose tokenizer gpt-tokenizer implements exactly. */
const OPENAI_MODELS = /^(gpt-|o\d|chatgpt|text-embedding|davinci|babbage|codex)/i;

/**
 * Which encoding counts a model's tokens, and whether that count is exact.
 *
 * For vendors whose tokenizer is not public (Claude, Gemini, open models) the stand-in is cl100k_base,
 * not o200k_base: on the same 19.5 MB corpus Anthropic's published (2023) tokenizer gave 6.61 M tokens,
 * cl100k_base 5.80 M and o200k_base 5.37 M (shared/design/perf-limits.md §3, measured 2026-11-26), and
 * Anthropic documents ~30% more tokens again for Claude 4.7+ (providers.md [A2]). The smaller vocabulary
 * is the closer (and more conservative) estimate; it also loads in half the time. Counts stay marked ≈.
 */
export function encodingForModel(model: string | undefined): { encoding: EncodingName; approx: boolean } {
  if (!model) return { encoding: 'o200k_base', approx: false };
  const bare = model.replace(/^(openai|azure)\//i, '');
  if (CL100K_MODELS.test(bare)) return { encoding: 'cl100k_base', approx: false };
  if (OPENAI_MODELS.test(bare)) return { encoding: 'o200k_base', approx: false };
  return { encoding: 'cl100k_base', approx: true };
}

type CountFn = (text: string) => number;
const loaded = new Map<EncodingName, Promise<CountFn>>();

async function loadEncoding(encoding: EncodingName): Promise<CountFn> {
  let p = loaded.get(encoding);
  if (!p) {
    p = loadBpeCounter(encoding);
    loaded.set(encoding, p);
  }
  return p;
}

/** Texts shorter than this are memoized by themselves; longer ones by their SHA-256. */
const SHORT_KEY = 64;

/** Loads the tokenizer for a model. Counting is synchronous afterwards and memoized per distinct text. */
export async function loadTokenizer(model?: string): Promise<Tokenizer> {
  const { encoding, approx } = encodingForModel(model);
  const raw = await loadEncoding(encoding);
  const memo = new Map<string, number>();
  return {
    encoding,
    approx,
    count(text: string): number {
      if (text.length === 0) return 0;
      const key = text.length < SHORT_KEY ? text : createHash('sha256').update(text).digest('base64');
      let n = memo.get(key);
      if (n === undefined) {
        n = raw(text);
        memo.set(key, n);
      }
      return n;
    },
  };
}
