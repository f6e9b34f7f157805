// TTFT predictions for self-hosted shapes (calibrated, data/ttft.yaml) and hosted APIs (≈, derived from the
// same calibration with a proxy shape, because no source gives hosted prefill rates). Shapes of common
// open models come from data/model-shapes.yaml; any other shape can be given as JSON.
import { readFileSync } from 'node:fs';
import { fromSnapshot } from '../snapshot.js';
import { yaml } from '../yaml.js';
import { KvlintError } from '../errors.js';
import { COEFFICIENT_ORDER, predictPrefillMs, type ModelShape, type TtftCoefficients } from './ttft-model.js';
import { packagePath } from '../paths.js';

export const TTFT_PATH = packagePath('data', 'ttft.yaml');
export const SHAPES_PATH = packagePath('data', 'model-shapes.yaml');

export interface GpuCalibration {
  name: string;
  device: string;
  source: string;
  asOf: string;
  fittedOn: string;
  heldOut?: string;
  coefficients: TtftCoefficients;
}

export interface TtftData {
  gpus: Record<string, GpuCalibration>;
  hosted: { proxyShape: string; gpu: string; assumption: string; source: string };
  shapes: Array<ModelShape & { aliases: string[] }>;
}

let cached: TtftData | undefined;

/** The parsed YAML of a data file: from dist/snapshot.json when the build snapshotted this very text. */
function readYaml(path: string): Record<string, unknown> {
  try {
    const text = readFileSync(path, 'utf8');
    return fromSnapshot<Record<string, unknown>>(text) ?? (yaml().parse(text, { maxAliasCount: 0 }) as Record<string, unknown>);
  } catch (err) {
    throw new KvlintError('KVE201', `cannot read ${path}: ${(err as Error).message}`, { file: path });
  }
}

/** Reads data/ttft.yaml and data/model-shapes.yaml (once per process). */
export function loadTtftData(): TtftData {
  if (cached) return cached;
  const t = readYaml(TTFT_PATH) as { gpus?: Record<string, Record<string, unknown>>; hosted?: Record<string, unknown> };
  const s = readYaml(SHAPES_PATH) as { shapes?: Array<Record<string, unknown>> };
  const gpus: Record<string, GpuCalibration> = {};
  for (const [name, g] of Object.entries(t.gpus ?? {})) {
    const coeffs = (g.coefficients ?? {}) as Record<string, unknown>;
    for (const k of COEFFICIENT_ORDER) {
      if (typeof coeffs[k] !== 'number') throw new KvlintError('KVE201', `${TTFT_PATH}: gpus.${name}.coefficients.${k} is missing`, { file: TTFT_PATH });
    }
    gpus[name] = {
      name,
      device: String(g.device ?? name),
      source: String(g.source ?? ''),
      asOf: String(g.as_of ?? ''),
      fittedOn: String(g.fitted_on ?? ''),
      ...(g.held_out ? { heldOut: String(g.held_out) } : {}),
      coefficients: coeffs as unknown as TtftCoefficients,
    };
  }
  const h = t.hosted ?? {};
  const shapes = (s.shapes ?? []).map((row) => {
    const shape = checkShape(row, SHAPES_PATH);
    return { ...shape, aliases: Array.isArray(row.aliases) ? row.aliases.map(String) : [] };
  });
  cached = {
    gpus,
    hosted: { proxyShape: String(h.proxy_shape ?? 'llama-3.1-70b'), gpu: String(h.gpu ?? 'h200'), assumption: String(h.assumption ?? ''), source: String(h.source ?? '') },
    shapes,
  };
  return cached;
}

/** Validates a shape object (from the table or a user's JSON file). */
export function checkShape(v: Record<string, unknown>, where: string): ModelShape {
  const need = ['layers', 'hidden', 'heads', 'kvHeads', 'mlp'] as const;
  for (const k of need) {
    if (typeof v[k] !== 'number' || !((v[k] as number) > 0)) {
      throw new KvlintError('KVE101', `${where}: shape needs a positive number '${k}'`, { hint: 'fields: name, layers, hidden, heads, kvHeads, mlp, optional headDim' });
    }
  }
  const shape: ModelShape = {
    name: String(v.name ?? 'custom'),
    layers: v.layers as number,
    hidden: v.hidden as number,
    heads: v.heads as number,
    kvHeads: v.kvHeads as number,
    mlp: v.mlp as number,
  };
  if (typeof v.headDim === 'number') shape.headDim = v.headDim;
  if (typeof v.source === 'string') shape.source = v.source;
  return shape;
}

/** A shape by name or alias (case-insensitive), or undefined. */
export function findShape(data: TtftData, name: string): ModelShape | undefined {
  const n = name.toLowerCase();
  return data.shapes.find((s) => s.name.toLowerCase() === n || s.aliases.some((a) => a.toLowerCase() === n));
}

export interface TtftPrediction {
  ms: number;
  coldMs: number;
  savedMs: number;
  approx: boolean;
  basis: string;
}

/** Milliseconds of prefill for `cached` + `fresh` tokens, and what a cold prefill of all of them would take. */
export function predict(shape: ModelShape, gpu: GpuCalibration, cachedTokens: number, fresh: number, approx: boolean, basis: string): TtftPrediction {
  const ms = predictPrefillMs(shape, gpu.coefficients, cachedTokens, fresh);
  const coldMs = predictPrefillMs(shape, gpu.coefficients, 0, cachedTokens + fresh);
  return { ms, coldMs, savedMs: coldMs - ms, approx, basis };
}

/** The TTFT model for a target: a calibrated shape for an engine, the ≈ hosted proxy otherwise. */
export function ttftModelFor(opts: { engine?: boolean; shape?: ModelShape; gpu?: string }): { shape: ModelShape; gpu: GpuCalibration; approx: boolean; basis: string } {
  const data = loadTtftData();
  const gpuName = opts.gpu ?? (opts.engine ? 'h200' : data.hosted.gpu);
  const gpu = data.gpus[gpuName];
  if (!gpu) throw new KvlintError('KVE101', `no TTFT calibration for GPU '${gpuName}'`, { hint: `calibrated: ${Object.keys(data.gpus).join(', ')}` });
  if (opts.engine || opts.shape) {
    const shape = opts.shape ?? (findShape(data, 'llama-3.1-8b') as ModelShape);
    return { shape, gpu, approx: false, basis: `prefill model calibrated on ${gpu.device} (${gpu.source}), shape ${shape.name}` };
  }
  const shape = findShape(data, data.hosted.proxyShape);
  if (!shape) throw new KvlintError('KVE201', `data/ttft.yaml: hosted proxy shape '${data.hosted.proxyShape}' is not in data/model-shapes.yaml`);
  return { shape, gpu, approx: true, basis: `≈ ${data.hosted.assumption}` };
}

/** p-th percentile (nearest rank) of a list of numbers; 0 for an empty list. */
export function percentile(xs: readonly number[], p: number): number {
  return percentileOfSorted(Float64Array.from(xs).sort(), p);
}

/** p-th percentile (nearest rank) of numbers sorted ascending: several percentiles of one list, one sort. */
export function percentileOfSorted(s: ArrayLike<number>, p: number): number {
  if (s.length === 0) return 0;
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length - 1, Math.max(0, rank - 1))]!;
}
