// A prefill-time model that rests on measurement (data/ttft.yaml, calibrated on the H200 rows of the
// team's calibration folder). Prefill time is a sum of physical terms, each a FLOP or byte count of the
// model's shape times a fitted cost per unit:
//   fixed        per decoder layer, separately for a cold prefill and for one that reads a cached prefix
//                (the cached path launches more kernels: cache writes, the lower-right causal mask)
//   linear       2 · (QKV + O + gated MLP) weight FLOPs per new token
//   attention    4 · heads · head_dim · new · (cached + new/2) FLOPs, separately cold (flash kernel) and
//                warm (memory-efficient kernel): the kernels run at different efficiencies
//   cached read  bytes of K and V read for the cached tokens (after the grouped-query expansion)
// so a shape it was not fitted on gets a prediction from its own FLOP and byte counts.

export interface ModelShape {
  name: string;
  layers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  mlp: number;
  /** defaults to hidden / heads */
  headDim?: number;
  source?: string;
}

/** Cost per unit of each term, in milliseconds (per layer, per TFLOP, per GB). */
export interface TtftCoefficients {
  fixedColdPerLayer: number;
  fixedWarmPerLayer: number;
  linearPerTflop: number;
  attentionColdPerTflop: number;
  attentionWarmPerTflop: number;
  cachedReadPerGb: number;
}

export const COEFFICIENT_ORDER: ReadonlyArray<keyof TtftCoefficients> = [
  'fixedColdPerLayer',
  'fixedWarmPerLayer',
  'linearPerTflop',
  'attentionColdPerTflop',
  'attentionWarmPerTflop',
  'cachedReadPerGb',
];

/** The term values (units as in TtftCoefficients) for a prefill of `fresh` tokens after `cached` ones. */
export function ttftFeatures(shape: ModelShape, cached: number, fresh: number): number[] {
  const { layers: L, hidden: h, heads: H, kvHeads: kv, mlp } = shape;
  const hd = shape.headDim ?? h / H;
  const warm = cached > 0 ? 1 : 0;
  const linear = (L * 2 * (h * (H * hd + 2 * kv * hd) + H * hd * h + 3 * h * mlp) * fresh) / 1e12;
  const attention = (L * 4 * H * hd * fresh * (cached + fresh / 2)) / 1e12;
  const cachedRead = (L * H * hd * cached * 4) / 1e9;
  return [L * (1 - warm), L * warm, linear, attention * (1 - warm), attention * warm, cachedRead];
}

/** Predicted prefill time in milliseconds; 0 when there is nothing new to prefill. */
export function predictPrefillMs(shape: ModelShape, c: TtftCoefficients, cached: number, fresh: number): number {
  if (fresh <= 0) return 0;
  const f = ttftFeatures(shape, cached, fresh);
  let ms = 0;
  COEFFICIENT_ORDER.forEach((k, i) => {
    ms += (f[i] ?? 0) * c[k];
  });
  return ms;
}

export interface CalibrationRow {
  model: string;
  total: number;
  cached: number;
  new: number;
  ms: number;
}

/** Solves the square system A x = b by Gaussian elimination with partial pivoting. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i] as number]);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(M[r]![col]!) > Math.abs(M[piv]![col]!)) piv = r;
    [M[col], M[piv]] = [M[piv]!, M[col]!];
    const p = M[col]![col]!;
    if (Math.abs(p) < 1e-300) throw new Error('singular calibration system: the rows do not determine every term');
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = M[r]![col]! / p;
      for (let k = col; k <= n; k++) M[r]![k]! -= f * M[col]![k]!;
    }
  }
  return M.map((row, i) => row[n]! / row[i]!);
}

/**
 * Least-squares fit of the coefficients on relative error, reweighted (Lawson's algorithm: each pass
 * multiplies a row's weight by its absolute residual) so the fit minimizes the WORST relative error
 * rather than the average — the contract is a bound on every row. Deterministic: fixed iterations.
 */
export function fitTtft(rows: readonly CalibrationRow[], shapes: (model: string) => ModelShape, iterations = 20): TtftCoefficients {
  const X = rows.map((r) => ttftFeatures(shapes(r.model), r.cached, r.new).map((v) => v / r.ms));
  const k = COEFFICIENT_ORDER.length;
  let u = rows.map(() => 1 / rows.length);
  let x: number[] = new Array<number>(k).fill(0);
  for (let it = 0; it <= iterations; it++) {
    const A = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    const b = new Array<number>(k).fill(0);
    X.forEach((row, i) => {
      const w = u[i] as number;
      for (let p = 0; p < k; p++) {
        b[p]! += w * (row[p] as number);
        for (let q = 0; q < k; q++) A[p]![q]! += w * (row[p] as number) * (row[q] as number);
      }
    });
    x = solve(A, b);
    const res = X.map((row) => Math.abs(row.reduce((s, v, p) => s + v * (x[p] as number), 0) - 1));
    const next = u.map((w, i) => w * (res[i] as number));
    const sum = next.reduce((a, b2) => a + b2, 0);
    if (!(sum > 0)) break;
    u = next.map((w) => w / sum);
  }
  const out = {} as TtftCoefficients;
  COEFFICIENT_ORDER.forEach((name, i) => {
    out[name] = x[i] as number;
  });
  return out;
}
