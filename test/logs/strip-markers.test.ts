// stripMarkers returns the value itself when there is nothing to strip: it must answer exactly as the
// plain deep copy below, whose copy drops markers and turns a parsed `__proto__` key into a prototype.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripMarkers } from '../../src/logs/api/common.js';

const MARKERS = new Set(['cache_control', 'prompt_cache_breakpoint']);

function plainStrip(value: unknown): { value: unknown; marker?: unknown } {
  let marker: unknown;
  const markerOf = (v: unknown) => {
    const ttl = v && typeof v === 'object' ? (v as { ttl?: unknown }).ttl : undefined;
    return typeof ttl === 'string' ? { ttl } : {};
  };
  const isPoint = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && 'cachePoint' in v;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (const item of v) {
        if (isPoint(item)) marker = markerOf((item as { cachePoint: unknown }).cachePoint);
        else out.push(walk(item));
      }
      return out;
    }
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, val] of Object.entries(v)) {
        if (MARKERS.has(k)) marker = markerOf(val);
        else out[k] = walk(val);
      }
      return out;
    }
    return v;
  };
  const stripped = walk(value);
  return marker ? { value: stripped, marker } : { value: stripped };
}

// JSON texts with markers, cache points and `__proto__` keys here and there, parsed as a log line is
const key = fc.constantFrom('type', 'text', 'name', 'cache_control', 'prompt_cache_breakpoint', 'cachePoint', '__proto__', 'ttl');
const json: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('null', 'true', '1', '"5m"', '"1h"', '"x"'),
    fc.array(tie('v'), { maxLength: 4 }).map((xs) => `[${xs.join(',')}]`),
    fc.array(fc.tuple(key, tie('v')), { maxLength: 4 }).map((kv) => `{${kv.map(([k, v]) => `"${k}":${v}`).join(',')}}`),
  ),
})).v;

describe('stripMarkers', () => {
  it('equals the plain deep copy, markers included', () => {
    fc.assert(
      fc.property(json, (text) => {
        const v: unknown = JSON.parse(text);
        const got = stripMarkers(v);
        const want = plainStrip(JSON.parse(text));
        expect(got).toEqual(want);
        expect(JSON.stringify(got.value)).toBe(JSON.stringify(want.value));
      }),
      { seed: 21, numRuns: 3000 },
    );
  });
});
