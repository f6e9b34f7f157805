// The price and cache-parameter table: data with a source and date on every row, never code constants.
// Loaded from data/prices.yaml in the package; config can override or add rows.
import { readFileSync } from 'node:fs';
import { yaml } from '../yaml.js';
import { KvlintError } from '../errors.js';
import { fromSnapshot } from '../snapshot.js';
import { packagePath } from '../paths.js';

export interface PriceRow {
  provider: string;
  model: string;
  currency?: string;
  input_per_mtok?: number;
  output_per_mtok?: number;
  cache_write_5m_per_mtok?: number;
  cache_write_1h_per_mtok?: number;
  cache_write_per_mtok?: number;
  cache_read_per_mtok?: number;
  min_cacheable_tokens?: number;
  granularity_tokens?: number;
  ttl_seconds_default?: number;
  source: string;
  as_of: string;
  confidence?: 'primary' | 'secondary';
  notes?: string;
  [extra: string]: unknown;
}

export interface PriceTable {
  defaults: Record<string, Record<string, number>>;
  models: PriceRow[];
  /** rows from the user's config (`prices:`): looked up before the shipped rows */
  overrides?: PriceRow[];
  /** where the table came from, for messages */
  origin: string;
}

/** data/prices.yaml, found from this module whether it runs from dist/project or src/project. */
export const PRICES_PATH = packagePath('data', 'prices.yaml');

let cached: PriceTable | undefined;

/** Reads and checks the shipped table (once per process). */
export function loadPriceTable(path: string = PRICES_PATH): PriceTable {
  if (path === PRICES_PATH && cached) return cached;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new KvlintError('KVE201', `cannot read the price table ${path}: ${(err as Error).message}`, { file: path });
  }
  const snap = fromSnapshot<Omit<PriceTable, 'origin'>>(text);
  const table = snap ? { ...snap, origin: path } : parsePriceTable(text, path);
  if (path === PRICES_PATH) cached = table;
  return table;
}

/** Parses and checks the text of a price table. */
export function parsePriceTable(text: string, path: string): PriceTable {
  let doc: { defaults?: unknown; models?: unknown };
  try {
    doc = yaml().parse(text, { maxAliasCount: 0 }) as typeof doc;
  } catch (err) {
    throw new KvlintError('KVE201', `cannot read the price table ${path}: ${(err as Error).message}`, { file: path });
  }
  if (!doc || !Array.isArray(doc.models)) throw new KvlintError('KVE201', `price table ${path} has no models list`, { file: path });
  const models = doc.models as PriceRow[];
  models.forEach((row, i) => {
    if (!row || typeof row.model !== 'string' || typeof row.provider !== 'string' || !row.source || !row.as_of) {
      throw new KvlintError('KVE201', `price table ${path}: models[${i}] needs provider, model, source and as_of`, { file: path });
    }
    row.as_of = String(row.as_of);
  });
  return { defaults: (doc.defaults ?? {}) as PriceTable['defaults'], models, origin: path };
}

/**
 * Reduces a model id as logs spell it to the table's form: drops provider prefixes
 * (`anthropic/`, Bedrock's `us.anthropic.`), date stamps (`-20250929`) and version tails (`-v1:0`).
 */
export function canonicalModelId(model: string): string {
  let m = model.trim().toLowerCase();
  m = m.replace(/^(?:[a-z]+\/)+/, ''); // openrouter/litellm style prefixes
  m = m.replace(/^(?:(?:us|eu|apac|global)\.)?(?:anthropic|meta|amazon|mistral)\./, ''); // Bedrock ids
  m = m.replace(/-v\d+(?::\d+)?$/, '');
  m = m.replace(/@\d{8}$/, ''); // Vertex `claude-sonnet-4-5@20250929`
  m = m.replace(/-\d{8}$/, '');
  m = m.replace(/-latest$/, '');
  // Anthropic's older naming: claude-3-5-sonnet → claude-sonnet-3-5 is NOT applied: the table keeps both forms.
  return m;
}

/** The row for a model: a config override first, then exact id, canonical form, longest table id it starts with. */
export function findPriceRow(table: PriceTable, model: string): PriceRow | undefined {
  if (table.overrides?.length) {
    const own = findPriceRow({ defaults: table.defaults, models: table.overrides, origin: table.origin }, model);
    if (own) return own;
  }
  const wanted = [model.toLowerCase(), canonicalModelId(model)];
  for (const w of wanted) {
    const rows = table.models.filter((r) => r.model.toLowerCase() === w);
    if (rows.length) return pickRow(rows);
  }
  const canon = canonicalModelId(model);
  const prefixed = table.models
    .filter((r) => canon.startsWith(`${r.model.toLowerCase()}-`))
    .sort((a, b) => b.model.length - a.model.length);
  const best = prefixed[0];
  return best ? pickRow(prefixed.filter((r) => r.model === best.model)) : undefined;
}

/** Among rows for one model: USD before other currencies, primary before secondary, newest as_of first. */
function pickRow(rows: PriceRow[]): PriceRow {
  return [...rows].sort(
    (a, b) =>
      Number(Boolean(a.currency && a.currency !== 'USD')) - Number(Boolean(b.currency && b.currency !== 'USD')) ||
      Number(a.confidence === 'secondary') - Number(b.confidence === 'secondary') ||
      (a.as_of < b.as_of ? 1 : a.as_of > b.as_of ? -1 : 0),
  )[0] as PriceRow;
}

/** Minimum cacheable prefix for a model, from its row or its provider's defaults, with the source. */
export function minCacheable(
  table: PriceTable,
  model: string,
): { tokens: number; model: string; source: string; asOf: string } | undefined {
  const row = findPriceRow(table, model);
  if (!row) return undefined;
  if (typeof row.min_cacheable_tokens === 'number') {
    return { tokens: row.min_cacheable_tokens, model: row.model, source: row.source, asOf: row.as_of };
  }
  return undefined;
}

const PRICE_FIELDS = [
  'input_per_mtok',
  'output_per_mtok',
  'cache_write_5m_per_mtok',
  'cache_write_1h_per_mtok',
  'cache_write_per_mtok',
  'cache_read_per_mtok',
  'min_cacheable_tokens',
  'granularity_tokens',
  'ttl_seconds_default',
  // Batch API rates, where a source gives them (src/logs/batch-prices.ts notes them)
  'batch_input_per_mtok',
  'batch_cache_read_per_mtok',
  'batch_output_per_mtok',
] as const;

/**
 * The table with the rows a config declares under `prices:` (model → fields of a price row) looked up
 * first. Each row needs a provider and an input price; its source defaults to the config file.
 * @throws KvlintError KVE201 naming the model and field that is wrong
 */
export function withConfigPrices(table: PriceTable, prices: Record<string, unknown> | undefined, file: string): PriceTable {
  if (!prices) return table;
  const overrides: PriceRow[] = [];
  for (const [model, raw] of Object.entries(prices)) {
    const fail = (msg: string): never => {
      throw new KvlintError('KVE201', `${file}: prices.${model}: ${msg}`, { file, hint: 'fields: provider, input_per_mtok, output_per_mtok, cache_write_5m_per_mtok, cache_write_1h_per_mtok, cache_read_per_mtok, min_cacheable_tokens, source, as_of (USD per million tokens)' });
    };
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail('must be a mapping of price fields');
    const r = raw as Record<string, unknown>;
    const provider = r['provider'];
    if (typeof provider !== 'string' || !provider) fail("needs 'provider' (anthropic, openai, google, deepseek, …)");
    const row: PriceRow = { provider: provider as string, model, source: typeof r['source'] === 'string' ? (r['source'] as string) : `config ${file}`, as_of: r['as_of'] !== undefined ? String(r['as_of']) : 'config' };
    for (const f of PRICE_FIELDS) {
      const v = r[f];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(`'${f}' must be a non-negative number`);
      (row as Record<string, unknown>)[f] = v;
    }
    for (const k of Object.keys(r)) {
      if (!['provider', 'source', 'as_of', 'currency', 'notes', ...PRICE_FIELDS].includes(k)) fail(`unknown field '${k}'`);
    }
    if (row.input_per_mtok === undefined) fail("needs 'input_per_mtok'");
    overrides.push(row);
  }
  return { ...table, overrides: [...overrides, ...(table.overrides ?? [])] };
}
