// What a cache model needs to know about a target model, resolved from its price row and the provider
// defaults in data/prices.yaml: the regime (which simulator), prices per token, minimum length,
// granularity and TTL. Nothing here is a literal: a value missing from the table is reported as assumed.
import { KvlintError } from '../errors.js';
import { isEngine, type Engine } from '../engines.js';
import { findPriceRow, type PriceRow, type PriceTable } from './prices.js';
import { picoPerToken, type Pico } from './money.js';

/** Which cache model replays a target. */
export type Regime = 'anthropic' | 'openai-auto' | 'openai-breakpoints' | 'gemini' | 'deepseek' | Engine;

export { ENGINES, isEngine, type Engine } from '../engines.js';

/** Where a price came from, printed next to every figure computed with it. */
export interface PriceRef {
  model: string;
  source: string;
  asOf: string;
  currency: string;
  confidence?: string;
}

export interface CacheParams {
  regime: Regime;
  ref: PriceRef;
  /** pico-dollars per token */
  rates: { input: Pico; output: Pico; write5m: Pico; write1h: Pico; read: Pico };
  /** the same rates in USD per million tokens, for display */
  perMtok: { input: number; output: number; write5m: number; write1h: number; read: number };
  minTokens: number;
  granularity: number;
  /** explicit-cache storage fee, USD per million token-hours (Gemini cachedContent), when the row has one */
  storagePerMtokHour?: number;
  /** default TTL in seconds; undefined = no documented lifetime, entries are not expired */
  ttlSeconds?: number;
  ttl1hSeconds: number;
  maxBreakpoints: number;
  lookback: number;
  /** facts the replay assumed because the table did not say */
  assumptions: string[];
}

/** Provider names as logs spell them → the family whose defaults apply. */
export function providerFamily(provider: string): 'anthropic' | 'openai' | 'google' | 'deepseek' | string {
  const p = provider.toLowerCase();
  if (p === 'anthropic' || p === 'bedrock' || p === 'vertex' || p === 'vertex-anthropic') return 'anthropic';
  if (p === 'openai' || p === 'azure' || p === 'azure-openai') return 'openai';
  if (p === 'google' || p === 'gemini' || p === 'vertex-gemini') return 'google';
  return p;
}

/** GPT-5.6 and later use explicit/implicit breakpoints with a write charge (providers.md §2.1). */
export function isOpenAiBreakpointModel(model: string, row?: PriceRow): boolean {
  if (row?.cache_write_per_mtok !== undefined && providerFamily(row.provider) === 'openai') return true;
  const m = /^gpt-(\d+)(?:\.(\d+))?/.exec(model.toLowerCase());
  if (!m) return false;
  const major = Number(m[1]);
  const minor = Number(m[2] ?? 0);
  return major > 5 || (major === 5 && minor >= 6);
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The regime a provider's own cache follows for a model. */
export function regimeFor(provider: string, model: string, row?: PriceRow): Regime {
  const fam = providerFamily(row?.provider ?? provider);
  if (fam === 'anthropic') return 'anthropic';
  if (fam === 'openai') return isOpenAiBreakpointModel(model, row) ? 'openai-breakpoints' : 'openai-auto';
  if (fam === 'google') return 'gemini';
  if (fam === 'deepseek') return 'deepseek';
  // other OpenAI-compatible APIs (xAI, Groq, Moonshot, …) cache automatically by prefix
  return 'openai-auto';
}

/**
 * Cache parameters for a model. `row` may be a synthetic row (from --price); `regime` forces a target
 * (e.g. --engine vllm). Throws KVE102 for a model the table does not know, naming --price.
 */
export function cacheParams(table: PriceTable, opts: { model: string; provider?: string; row?: PriceRow; regime?: Regime }): CacheParams {
  const row = opts.row ?? findPriceRow(table, opts.model);
  if (!row) {
    throw new KvlintError('KVE101', `no price row for model '${opts.model}'`, {
      hint: 'pick a model from data/prices.yaml with --model, add a row under `prices:` in the config, or pass --price input=3,cache_write=3.75,cache_read=0.3 (USD per million tokens)',
    });
  }
  const regime = opts.regime ?? regimeFor(opts.provider ?? row.provider, opts.model, row);
  const d = table.defaults;
  const assumptions: string[] = [];
  const input = num(row.input_per_mtok);
  if (input === undefined) throw new KvlintError('KVE101', `price row '${row.model}' has no input price`, { hint: 'pass --price input=…' });
  const output = num(row.output_per_mtok) ?? 0;
  if (num(row.output_per_mtok) === undefined) assumptions.push(`price row ${row.model} has no output price: output priced at 0`);

  const defaultsKey =
    regime === 'anthropic' ? 'anthropic' : regime === 'openai-breakpoints' ? 'openai_gpt56_plus' : regime === 'openai-auto' ? 'openai_pre_gpt56' : regime === 'gemini' ? 'google_implicit' : regime === 'deepseek' ? 'deepseek' : undefined;
  const dd = (defaultsKey ? d[defaultsKey] : undefined) ?? {};
  const fromDefault = (key: string): number | undefined => num(dd[key]);

  let write5m: number;
  let write1h: number;
  if (regime === 'anthropic') {
    const w5 = num(row.cache_write_5m_per_mtok) ?? num(row.cache_write_per_mtok);
    const w1 = num(row.cache_write_1h_per_mtok);
    const m5 = fromDefault('write_5m_multiplier') ?? 1.25;
    const m1 = fromDefault('write_1h_multiplier') ?? 2;
    write5m = w5 ?? input * m5;
    write1h = w1 ?? input * m1;
    if (w5 === undefined && !opts.row) assumptions.push(`5-minute write priced at input × ${m5} (table defaults)`);
    if (w1 === undefined && !opts.row) assumptions.push(`1-hour write priced at input × ${m1} (table defaults)`);
  } else {
    const w = num(row.cache_write_per_mtok);
    const m = fromDefault('write_multiplier') ?? 1;
    write5m = w ?? input * m;
    write1h = write5m;
  }
  let read = num(row.cache_read_per_mtok);
  if (read === undefined) {
    const rm = fromDefault('read_multiplier');
    if (rm !== undefined) {
      read = input * rm;
      assumptions.push(`price row ${row.model} has no cached-input price: reads priced at input × ${rm} (table defaults)`);
    } else {
      read = input;
      assumptions.push(`price row ${row.model} has no cached-input price: reads priced as uncached input`);
    }
  }

  const minRow = num(row.min_cacheable_tokens);
  let minTokens: number;
  if (isEngine(regime)) minTokens = 0;
  else if (minRow !== undefined) minTokens = minRow;
  else {
    minTokens = fromDefault('min_cacheable_tokens') ?? 0;
    assumptions.push(`no minimum cacheable length for ${row.model} in the table: ${minTokens ? `${minTokens} tokens (provider default)` : 'none applied'}`);
  }
  const granularity = isEngine(regime) ? 1 : num(row.granularity_tokens) ?? fromDefault('granularity_tokens') ?? 1;
  let ttlSeconds: number | undefined;
  if (regime === 'anthropic' || regime === 'openai-breakpoints') ttlSeconds = num(row.ttl_seconds_default) ?? fromDefault('ttl_seconds_default');
  else if (regime === 'openai-auto') {
    ttlSeconds = fromDefault('ttl_seconds_in_memory');
    if (ttlSeconds !== undefined) assumptions.push(`OpenAI in-memory retention taken as ${ttlSeconds} s (documented 5–10 min idle, ≤ 1 h); use --ttl for 24h retention`);
  } else if (regime === 'gemini') assumptions.push('Gemini implicit entries have no documented lifetime: not expired during the replay');
  if (regime === 'openai-auto' || regime === 'openai-breakpoints') {
    // providers.md §2.3: entries live on machines; routing hashes the first tokens (and prompt_cache_key)
    assumptions.push(
      'OpenAI: one cache per organization; requests that share a prefix are assumed routed to the machine that holds it (routing hashes the first tokens and prompt_cache_key); past ~15 requests a minute for one prefix and key, traffic spills to other machines and some of these reads miss',
    );
  }
  if (isEngine(regime)) assumptions.push(`${regime}: one KV pool shared by every request of the log, evicted least recently used past --kv-budget (unbounded without it)`);
  else if (regime === 'deepseek') assumptions.push('DeepSeek entries last "hours to days": not expired during the replay');
  return {
    regime,
    ref: { model: row.model, source: row.source, asOf: row.as_of, currency: row.currency ?? 'USD', ...(row.confidence ? { confidence: row.confidence } : {}) },
    rates: { input: picoPerToken(input), output: picoPerToken(output), write5m: picoPerToken(write5m), write1h: picoPerToken(write1h), read: picoPerToken(read) },
    perMtok: { input, output, write5m, write1h, read },
    minTokens,
    granularity,
    ...(num(row.cache_storage_per_mtok_hour) !== undefined ? { storagePerMtokHour: num(row.cache_storage_per_mtok_hour)! } : {}),
    ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
    ttl1hSeconds: 3600,
    maxBreakpoints: num(d.anthropic?.max_breakpoints) ?? 4,
    lookback: num(d.anthropic?.lookback_positions) ?? 20,
    assumptions,
  };
}

/**
 * A price row from `--price input=3,cache_write=3.75,cache_read=0.3[,output=15,cache_write_1h=6]` (USD per
 * million tokens). Keys not given fall back to the provider defaults.
 */
export function priceRowFromFlag(spec: string, provider = 'anthropic'): PriceRow {
  const row: PriceRow = { provider, model: 'custom (--price)', source: '--price on the command line', as_of: 'n/a' };
  const keys: Record<string, keyof PriceRow> = {
    input: 'input_per_mtok',
    output: 'output_per_mtok',
    cache_write: 'cache_write_5m_per_mtok',
    cache_write_5m: 'cache_write_5m_per_mtok',
    cache_write_1h: 'cache_write_1h_per_mtok',
    cache_read: 'cache_read_per_mtok',
    storage: 'cache_storage_per_mtok_hour',
    min: 'min_cacheable_tokens',
  };
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z_0-9]+)\s*=\s*(\d+(?:\.\d+)?)$/i.exec(part);
    const key = m ? keys[m[1]!.toLowerCase()] : undefined;
    if (!m || !key) {
      throw new KvlintError('KVE101', `--price: cannot read '${part}'`, { hint: `use key=value pairs with keys ${Object.keys(keys).join(', ')} (USD per million tokens)` });
    }
    (row as Record<string, unknown>)[key] = Number(m[2]);
  }
  if (row.input_per_mtok === undefined) throw new KvlintError('KVE101', '--price needs input=…', { hint: 'e.g. --price input=3,cache_write=3.75,cache_read=0.3' });
  if (providerFamily(provider) === 'openai' && row.cache_write_5m_per_mtok !== undefined) {
    row.cache_write_per_mtok = row.cache_write_5m_per_mtok;
  }
  return row;
}
