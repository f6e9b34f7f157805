// `kvlint/testing`: assert in an app's own tests that the requests it builds share the prefix a cache
// needs (for two users: tools and system prompt; for two turns: all of the earlier turn). A failure says
// what kvlint diff says: where they diverge, the cause and its rule, and the tokens lost.
import { KvlintError } from './errors.js';
import type { Level } from './model.js';
import { Redactor, withRedactor } from './redact.js';
import { describeDiff, requestFromBody, type RequestDiff } from './requests.js';
import { loadTokenizer } from './tokenize/index.js';

export type { RequestDiff };

export interface SharedPrefixOptions {
  /**
   * What each request must share with the one before it:
   * - `'system'` (default): the tool definitions and the system prompt (and the model), as two users' or
   *   two sessions' requests should;
   * - `'tools'`: the tool definitions (and the model);
   * - `'all'`: all of the earlier request, as the next turn of one conversation should (it may add to it);
   * - a number: at least that many tokens.
   */
  through?: 'tools' | 'system' | 'all' | number;
  /** model whose tokenizer counts the tokens (default: the request's model) */
  model?: string;
  /** print the change unredacted (default: emails, keys and tokens are replaced, as in a CI log) */
  redact?: boolean;
}

/** Thrown by assertSharedPrefix: `divergence` is the diff of requests `index - 1` and `index`. */
export class CachePrefixError extends Error {
  readonly index: number;
  readonly divergence: RequestDiff;

  constructor(message: string, index: number, divergence: RequestDiff) {
    super(message);
    this.name = 'CachePrefixError';
    this.index = index;
    this.divergence = divergence;
  }
}

const LEVELS: Record<'tools' | 'system', readonly Level[]> = { tools: ['tools'], system: ['tools', 'system'] };

function describeWant(through: NonNullable<SharedPrefixOptions['through']>): string {
  if (typeof through === 'number') return `${through.toLocaleString('en-US')} tokens of prefix`;
  return through === 'all' ? 'the whole earlier request as their prefix' : through === 'tools' ? 'their tool definitions' : 'their tools and system prompt';
}

/** The failure message: kvlint diff's account of the divergence. */
function explain(d: RequestDiff, i: number, want: string, shared: number): string {
  const ax = d.approx ? '≈' : '';
  const n = (v: number) => `${ax}${v.toLocaleString('en-US')}`;
  const lines = [
    `kvlint: requests ${i - 1} and ${i} do not share ${want}`,
    `  first divergence  segment ${d.segment} ${d.label}, character ${d.charOffset.toLocaleString('en-US')}, token ${n(d.tokenOffset)}`,
    `  cause             ${d.cause}${d.rule ? ` → ${d.rule.code} ${d.rule.id}: ${d.rule.summary}` : ''}`,
    `  shared            ${n(shared)} tokens`,
    `  lost              ${n(d.lostTokens)} tokens of request ${i - 1} must be recomputed`,
  ];
  if (d.excerpt) lines.push(`  change            ${d.excerpt}`);
  if (d.rule) lines.push(`  (kvlint explain ${d.rule.code})`);
  return lines.join('\n');
}

/**
 * Checks that each request body (Anthropic, OpenAI, Gemini or Bedrock) shares what `options.through`
 * asks with the one before it; resolves when they do, rejects with a CachePrefixError saying where they
 * diverge, why, and the tokens lost when they do not.
 */
export async function assertSharedPrefix(requests: readonly unknown[], options: SharedPrefixOptions = {}): Promise<void> {
  const failure = await findFailure(requests, options);
  if (failure) throw failure;
}

async function findFailure(requests: readonly unknown[], options: SharedPrefixOptions): Promise<CachePrefixError | undefined> {
  if (!Array.isArray(requests) || requests.length < 2) throw new KvlintError('KVE101', 'assertSharedPrefix needs an array of at least two request bodies');
  const through = options.through ?? 'system';
  const parsed = requests.map((body, i) => requestFromBody(body, `request ${i}`));
  const tokenizer = await loadTokenizer(options.model ?? parsed[0]!.model);
  const want = describeWant(through);
  return withRedactor(new Redactor(options.redact !== false), () => {
    for (let i = 1; i < parsed.length; i++) {
      const a = parsed[i - 1]!;
      const d = describeDiff(a, parsed[i]!, tokenizer);
      const shared = d.segment < 0 ? d.reusableTokens : d.tokenOffset;
      let ok: boolean;
      if (typeof through === 'number') ok = shared >= through;
      else if (through === 'all') ok = d.segment < 0;
      else {
        const levels = LEVELS[through];
        let required = 0;
        while (required < a.segments.length && levels.includes(a.segments[required]!.level)) required++;
        // a request without them would pass vacuously: that is a mistake in the test, not a pass
        if (!a.segments.slice(0, required).some((s) => s.role !== 'model')) {
          throw new KvlintError('KVE101', `request ${i - 1} has no ${through === 'tools' ? 'tool definitions' : 'tools or system prompt'} to share`, {
            hint: "use through: 'all' or a number of tokens",
          });
        }
        ok = d.segment < 0 || d.segment >= required;
      }
      if (!ok) return new CachePrefixError(explain(d, i, want, shared), i, d);
    }
    return undefined;
  });
}

/** What a vitest or jest matcher returns. */
interface MatcherResult {
  pass: boolean;
  message: () => string;
}

/**
 * Matchers for `expect.extend(kvlintMatchers)` in vitest or jest:
 * `await expect([requestA, requestB]).toShareCachePrefix({ through: 'system' })`. Asynchronous (the
 * tokenizer loads on first use), so await the assertion.
 */
export const kvlintMatchers = {
  async toShareCachePrefix(received: unknown, options: SharedPrefixOptions = {}): Promise<MatcherResult> {
    const failure = await findFailure(received as readonly unknown[], options);
    const through = options.through ?? 'system';
    return failure
      ? { pass: false, message: () => failure.message }
      : { pass: true, message: () => `kvlint: expected the requests not to share ${describeWant(through)}, but each shares it with the one before` };
  },
};

/** The matcher's type, for `declare module 'vitest' { interface Assertion<T> extends KvlintMatchers<T> {} }` and jest's `Matchers`. */
export interface KvlintMatchers<R = unknown> {
  toShareCachePrefix(options?: SharedPrefixOptions): Promise<R>;
}
