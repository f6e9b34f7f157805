import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COEFFICIENT_ORDER, fitTtft, predictPrefillMs, type CalibrationRow } from '../../src/project/ttft-model.js';
import { findShape, loadTtftData, percentile, percentileOfSorted, ttftModelFor } from '../../src/project/ttft.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const calibration = path.resolve(repoRoot, '../shared/calibration/prefill-h200.json');
const have = existsSync(calibration);
const data = loadTtftData();
const shapeOf = (m: string) => {
  const s = findShape(data, m);
  if (!s) throw new Error(`no shape ${m}`);
  return s;
};

describe.skipIf(!have)('TTFT model against the H200 calibration', () => {
  const rows: CalibrationRow[] = have ? (JSON.parse(readFileSync(calibration, 'utf8')) as { rows: CalibrationRow[] }).rows : [];
  const gpu = data.gpus.h200!;

  it('ships the coefficients the fit produces (fitted on the 8B rows only)', () => {
    const fit = fitTtft(rows.filter((r) => r.model === 'llama-3.1-8b'), shapeOf);
    for (const k of COEFFICIENT_ORDER) expect(gpu.coefficients[k], k).toBeCloseTo(fit[k], 5);
  });

  it('reproduces every row within 15%, including the 70B rows it was not fitted on', () => {
    const lines = ['model           cached     new   measured ms  predicted ms   error'];
    const worst: Record<string, number> = {};
    for (const r of rows) {
      const p = predictPrefillMs(shapeOf(r.model), gpu.coefficients, r.cached, r.new);
      const err = (p - r.ms) / r.ms;
      worst[r.model] = Math.max(worst[r.model] ?? 0, Math.abs(err));
      lines.push(
        `${r.model.padEnd(14)} ${String(r.cached).padStart(7)} ${String(r.new).padStart(7)} ${r.ms.toFixed(1).padStart(12)} ${p.toFixed(1).padStart(13)} ${(100 * err).toFixed(1).padStart(6)}%`,
      );
    }
    lines.push(`worst: ${Object.entries(worst).map(([m, e]) => `${m} ${(100 * e).toFixed(1)}%`).join(', ')}`);
    console.log(lines.join('\n'));
    expect(rows.length).toBe(41);
    for (const r of rows) {
      const p = predictPrefillMs(shapeOf(r.model), gpu.coefficients, r.cached, r.new);
      expect(Math.abs(p - r.ms) / r.ms, `${r.model} cached=${r.cached} new=${r.new}`).toBeLessThanOrEqual(0.15);
    }
  });
});

describe('TTFT predictions for any shape', () => {
  it('grows with new tokens and with the cached prefix, and a cache hit saves most of a cold prefill', () => {
    const s = shapeOf('qwen2.5-7b');
    const c = data.gpus.h200!.coefficients;
    expect(predictPrefillMs(s, c, 0, 2000)).toBeGreaterThan(predictPrefillMs(s, c, 0, 1000));
    expect(predictPrefillMs(s, c, 60000, 1000)).toBeGreaterThan(predictPrefillMs(s, c, 1000, 1000));
    expect(predictPrefillMs(s, c, 60000, 1000)).toBeLessThan(predictPrefillMs(s, c, 0, 61000) / 5);
  });

  it('a bigger model of the same family is slower', () => {
    const c = data.gpus.h200!.coefficients;
    expect(predictPrefillMs(shapeOf('llama-3.1-405b'), c, 0, 4096)).toBeGreaterThan(predictPrefillMs(shapeOf('llama-3.1-70b'), c, 0, 4096));
  });

  it('the hosted model is marked approximate and names its assumption', () => {
    const m = ttftModelFor({});
    expect(m.approx).toBe(true);
    expect(m.basis).toMatch(/^≈/);
  });
});

describe('percentile', () => {
  it('is the nearest-rank percentile, from one sort however many percentiles are taken', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { maxLength: 50 }), fc.integer({ min: 0, max: 100 }), (xs, p) => {
        const s = [...xs].sort((a, b) => a - b);
        const want = s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
        // === so that 0 and -0 (ordered differently by the two sorts, printed alike) compare equal
        expect(percentile(xs, p) === want).toBe(true);
        expect(percentileOfSorted(Float64Array.from(xs).sort(), p) === want).toBe(true);
      }),
      { seed: 5, numRuns: 300 },
    );
    expect(percentile([], 50)).toBe(0);
    expect(percentile([3, 1, 2, 10], 50)).toBe(2);
    expect(percentile([3, 1, 2, 10], 95)).toBe(10);
  });
});
