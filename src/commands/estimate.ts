// `kvlint estimate`: cost and TTFT with and without caching for a workload that does not exist yet, through
// the same cache model and price rows as log replay.
import { KvlintError } from '../errors.js';
import type { Io } from '../io.js';
import { cacheParams, priceRowFromFlag, type Engine, type Regime } from '../project/cache-params.js';
import type { Totals } from '../project/cost.js';
import { refLabel } from '../project/cost.js';
import { estimate } from '../project/estimate.js';
import { formatUsd } from '../project/money.js';
import { findPriceRow, loadPriceTable } from '../project/prices.js';
import { findShape, loadTtftData, ttftModelFor } from '../project/ttft.js';
import { DEFAULT_MODEL } from '../run.js';
import { reportFatal } from './fatal.js';

export interface EstimateCliOptions {
  prefixTokens: number;
  requests: number;
  suffixTokens?: number;
  interval?: number;
  outputTokens?: number;
  model?: string;
  price?: string;
  provider?: string;
  engine?: Engine;
  kvBudget?: number;
  blockSize?: number;
  pageSize?: number;
  /** Gemini explicit caching (cachedContent) instead of the implicit cache */
  explicitCache?: boolean;
  ttl?: number;
  gpu?: string;
  json?: boolean;
  debug?: boolean;
}

export async function runEstimate(opts: EstimateCliOptions, io: Io): Promise<number> {
  try {
    if (opts.requests < 1) throw new KvlintError('KVE101', '--requests must be at least 1');
    if (opts.kvBudget !== undefined && !opts.engine) throw new KvlintError('KVE101', '--kv-budget needs --engine', { hint: 'the budget is the KV pool of a self-hosted engine, e.g. --engine vllm' });
    const blockTokens = opts.blockSize ?? opts.pageSize;
    if (blockTokens !== undefined && !opts.engine) throw new KvlintError('KVE101', '--block-size and --page-size need --engine');
    const table = loadPriceTable();
    const model = opts.model ?? DEFAULT_MODEL;
    const row = opts.price ? priceRowFromFlag(opts.price, opts.provider ?? 'anthropic') : undefined;
    const regime: Regime | undefined = opts.engine;
    const params = cacheParams(table, { model, ...(opts.provider ? { provider: opts.provider } : {}), ...(row ? { row } : {}), ...(regime ? { regime } : {}) });
    let storage: number | undefined;
    if (opts.explicitCache) {
      if (params.regime !== 'gemini') throw new KvlintError('KVE101', `--explicit-cache prices Gemini's cachedContent; ${model} is cached by the ${params.regime} model`, { hint: 'pick a Gemini model with -m, e.g. -m gemini-2.5-pro' });
      const priceRow = row ?? findPriceRow(table, model);
      const v = priceRow?.cache_storage_per_mtok_hour;
      if (typeof v !== 'number') {
        throw new KvlintError('KVE101', `the price row of ${model} has no storage price for explicit caching`, { hint: 'pass --price input=…,cache_read=…,storage=<USD per million token-hours>, or pick a row that has one (gemini-2.5-pro)' });
      }
      storage = v;
    }
    const data = loadTtftData();
    const engineShape = opts.engine ? (opts.model ? findShape(data, opts.model) : undefined) : undefined;
    const tm = ttftModelFor({ engine: Boolean(opts.engine), ...(engineShape ? { shape: engineShape } : {}), ...(opts.gpu ? { gpu: opts.gpu } : {}) });
    const e = estimate(
      {
        prefixTokens: opts.prefixTokens,
        suffixTokens: opts.suffixTokens ?? 0,
        requests: opts.requests,
        ...(opts.interval !== undefined ? { intervalSeconds: opts.interval } : {}),
        ...(opts.outputTokens !== undefined ? { outputTokens: opts.outputTokens } : {}),
      },
      params,
      tm,
      {
        ...(opts.ttl !== undefined ? { ttlSeconds: opts.ttl } : {}),
        ...(opts.kvBudget !== undefined ? { kvBudgetTokens: opts.kvBudget } : {}),
        ...(blockTokens !== undefined ? { blockTokens } : {}),
        ...(storage !== undefined ? { explicitStoragePerMtokHour: storage } : {}),
      },
    );
    if (opts.engine && opts.model && !engineShape) e.assumptions.push(`'${opts.model}' has no shape in data/model-shapes.yaml: TTFT uses ${tm.shape.name}`);
    const ttftBasis = tm.approx ? tm.basis : `${tm.basis}`;
    if (opts.json) {
      io.stdout.write(
        `${JSON.stringify(
          {
            workload: e.workload,
            target: params.regime,
            priceRow: params.ref,
            pricesPerMtok: params.perMtok,
            moneyUnit: 'micro-USD (integer)',
            uncached: e.uncached,
            cached: e.cached,
            savings: e.savings,
            ttft: { approx: tm.approx, basis: ttftBasis, shape: tm.shape.name, gpu: tm.gpu.name },
            assumptions: e.assumptions,
          },
          null,
          2,
        )}\n`,
      );
      return 0;
    }
    const cur = params.ref.currency;
    const usd = (m: number) => formatUsd(m, { currency: cur });
    const ax = tm.approx ? '≈' : '';
    const row2 = (label: string, t: Totals) =>
      `${label.padEnd(16)}${usd(t.cost.total).padStart(14)}  ${usd(t.perRequest).padStart(12)}/req  ttft p50 ${ax}${fmtMs(t.ttftP50Ms)}`;
    const w = e.workload;
    const lines = [
      `workload        ${w.requests.toLocaleString('en-US')} requests × (${w.prefixTokens.toLocaleString('en-US')} prefix + ${w.suffixTokens.toLocaleString('en-US')} suffix tokens)${w.intervalSeconds !== undefined ? `, one every ${w.intervalSeconds} s` : ''}`,
      `target          ${params.regime} cache model; ${refLabel(params.ref)}`,
      `prices          input ${params.perMtok.input}, cache write ${params.perMtok.write5m}, cache read ${params.perMtok.read}, output ${params.perMtok.output} per million tokens`,
      '',
      row2('without caching', e.uncached),
      row2('with caching', e.cached),
      `  uncached input ${usd(e.cached.cost.uncached)}, cache writes ${usd(e.cached.cost.write)} (${e.cached.writeTokens.toLocaleString('en-US')} tokens), cache reads ${usd(e.cached.cost.read)} (${e.cached.readTokens.toLocaleString('en-US')} tokens), output ${usd(e.cached.cost.output)}`,
      `saved           ${usd(e.savings.total)} (${e.savings.pct}%), ${usd(e.savings.per1000)} per 1,000 requests; TTFT p50 ${ax}${fmtMs(e.savings.ttftP50Ms)} faster`,
      `ttft basis      ${ttftBasis}`,
      ...e.assumptions.map((a) => `assumed         ${a}`),
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } catch (err) {
    return reportFatal(err, io, Boolean(opts.debug));
  }
}

export function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`;
}
