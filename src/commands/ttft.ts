// `kvlint ttft --model <name|shape.json> --cached N --new M [--gpu h200] [--json]`: predicted prefill time
// with N tokens already cached and M new, against a cold prefill of all N+M.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { KvlintError } from '../errors.js';
import type { Io } from '../io.js';
import { checkShape, findShape, loadTtftData, predict, ttftModelFor } from '../project/ttft.js';
import type { ModelShape } from '../project/ttft-model.js';
import { reportFatal } from './fatal.js';

export interface TtftCliOptions {
  model?: string;
  cached: number;
  new: number;
  gpu?: string;
  json?: boolean;
  debug?: boolean;
}

function loadShape(model: string | undefined, cwd: string): { shape?: ModelShape; hosted: boolean } {
  if (!model) return { hosted: true };
  if (/\.json$/i.test(model)) {
    let v: unknown;
    try {
      v = JSON.parse(readFileSync(path.resolve(cwd, model), 'utf8'));
    } catch (err) {
      throw new KvlintError('KVE101', `cannot read shape file ${model}: ${(err as Error).message}`);
    }
    if (!v || typeof v !== 'object') throw new KvlintError('KVE101', `${model}: a shape is a JSON object`);
    return { shape: checkShape({ name: path.basename(model, '.json'), ...(v as Record<string, unknown>) }, model), hosted: false };
  }
  const data = loadTtftData();
  const shape = findShape(data, model);
  if (shape) return { shape, hosted: false };
  return { hosted: true };
}

export async function runTtft(opts: TtftCliOptions, io: Io): Promise<number> {
  try {
    const { shape, hosted } = loadShape(opts.model, io.cwd);
    const m = ttftModelFor({ ...(shape ? { shape } : {}), ...(opts.gpu ? { gpu: opts.gpu } : {}) });
    const p = predict(m.shape, m.gpu, opts.cached, opts.new, m.approx, m.basis);
    const ax = p.approx ? '≈' : '';
    const note = hosted
      ? `${opts.model ? `'${opts.model}' is not an open-model shape kvlint knows: ` : ''}hosted API estimate ${m.basis}`
      : `${m.basis}; fitted on ${m.gpu.fittedOn}${m.gpu.heldOut ? `, checked on ${m.gpu.heldOut}` : ''}`;
    if (opts.json) {
      io.stdout.write(
        `${JSON.stringify(
          {
            model: opts.model ?? null,
            shape: m.shape,
            gpu: m.gpu.name,
            cached: opts.cached,
            new: opts.new,
            prefillMs: round(p.ms),
            coldMs: round(p.coldMs),
            savedMs: round(p.savedMs),
            approx: p.approx,
            basis: note,
            source: m.gpu.source,
          },
          null,
          2,
        )}\n`,
      );
      return 0;
    }
    const f = (ms: number) => `${ax}${ms >= 100 ? Math.round(ms).toLocaleString('en-US') : ms.toFixed(1)} ms`;
    const lines = [
      `model     ${m.shape.name} (${m.shape.layers} layers, hidden ${m.shape.hidden}, ${m.shape.heads}/${m.shape.kvHeads} heads, MLP ${m.shape.mlp})`,
      `tokens    ${opts.cached.toLocaleString('en-US')} cached + ${opts.new.toLocaleString('en-US')} new`,
      `prefill   ${f(p.ms)}`,
      `cold      ${f(p.coldMs)}  (all ${(opts.cached + opts.new).toLocaleString('en-US')} tokens uncached)`,
      `saved     ${f(p.savedMs)}${p.coldMs > 0 ? ` (${((100 * p.savedMs) / p.coldMs).toFixed(1)}%)` : ''}`,
      `basis     ${note}`,
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } catch (err) {
    return reportFatal(err, io, Boolean(opts.debug));
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
