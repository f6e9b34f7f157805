// Token counting. gpt-tokenizer's data is imported lazily (it costs ~150 ms to load) and counted by
// ./bpe.ts, and every distinct text is counted once per run: logs resend the same system prompt and
// history on every request.
import { firstLineCutPoint, lastCutPoint, loadBpeCounter } from './bpe.js';

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

/** How much text (code units) the count memo keeps as keys; the oldest entries go first. */
const MEMO_CHARS = 1024 * 1024;
/**
 * Texts at least this long are counted in two parts split at their last cut point (see
 * lastCutPoint), the first part through the memo. A prompt that changes only at its end — a clock
 * appended to a system prompt, resent each turn — then costs only its new tail, and so does counting
 * the part of it shared with the previous request (comparePrompts counts that prefix). One that changes
 * only in its first line — a date or a request id at the top of a system prompt — is split after that
 * line first, so its unchanged rest is counted once.
 */
const SPLIT_MIN = 4096;
/** A first line longer than this is not split off: the change is not a value at the top. */
const FIRST_LINE_MAX = 512;

/** Loads the tokenizer for a model. Counting is synchronous afterwards and memoized per distinct text. */
export async function loadTokenizer(model?: string): Promise<Tokenizer> {
  const { encoding, approx } = encodingForModel(model);
  const raw = await loadEncoding(encoding);
  // Keyed by the text itself: V8 hashes a string once (a long one by its length only) and compares
  // equal-hash keys by content, far cheaper than the SHA-256 key this memo used to compute.
  const memo = new Map<string, number>();
  let memoChars = 0;
  const remember = (text: string, n: number): void => {
    memo.set(text, n);
    memoChars += text.length;
    while (memoChars > MEMO_CHARS && memo.size > 1) {
      const oldest = memo.keys().next().value as string;
      memo.delete(oldest);
      memoChars -= oldest.length;
    }
  };
  /** A text counted through the memo, a long one in two parts at its last cut point (see SPLIT_MIN). */
  const counted = (text: string): number => {
    let n = memo.get(text);
    if (n !== undefined) return n;
    const cut = text.length >= SPLIT_MIN ? lastCutPoint(text) : 0;
    if (cut >= text.length / 2) {
      const head = text.slice(0, cut);
      let h = memo.get(head);
      if (h === undefined) {
        h = raw(head);
        remember(head, h);
      }
      n = h + raw(text.slice(cut));
    } else n = raw(text);
    remember(text, n);
    return n;
  };
  return {
    encoding,
    approx,
    count(text: string): number {
      if (text.length === 0) return 0;
      const n = memo.get(text);
      if (n !== undefined) return n;
      // its first line apart, then the rest as one text (split no further: one level, not one per line)
      const top = text.length >= SPLIT_MIN ? firstLineCutPoint(text, FIRST_LINE_MAX) : 0;
      if (top === 0) return counted(text);
      const whole = raw(text.slice(0, top)) + counted(text.slice(top));
      remember(text, whole);
      return whole;
    },
  };
}
