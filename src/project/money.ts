// Money is computed exactly and rounded only for display. A price in USD per million tokens is the same
// number of micro-dollars per token, but prices such as $3.75/M or $0.0028/M make fractional micro-dollars,
// so sums are kept as BigInt pico-dollars (1e-12 USD): every price with at most six decimals is an integer
// number of pico-dollars per token, and sums never lose a digit. Reports carry integer micro-dollars.

/** Exact amount in pico-dollars. */
export type Pico = bigint;

/** A price in USD per million tokens → pico-dollars per token (exact for prices with ≤ 6 decimals). */
export function picoPerToken(usdPerMtok: number): Pico {
  // 1 USD/Mtok = 1e-6 USD/token = 1e6 pico-dollars/token. Round the scaled value to kill binary noise
  // (3.75 * 1e6 is exact, 0.0028 * 1e6 = 2799.9999999999995 is not).
  return BigInt(Math.round(usdPerMtok * 1e6));
}

/** tokens × rate, exact. */
export function cost(tokens: number, rate: Pico): Pico {
  return BigInt(Math.round(tokens)) * rate;
}

/** Pico-dollars → integer micro-dollars, half away from zero. */
export function toMicro(p: Pico): number {
  const q = p / 1_000_000n;
  const r = p % 1_000_000n;
  const abs = r < 0n ? -r : r;
  return Number(abs * 2n >= 1_000_000n ? q + (p < 0n ? -1n : 1n) : q);
}

/**
 * Micro-dollars as `$1,234.5678`: at least two decimals, more only while they are not zero (up to six),
 * so $150.00, $15.135 and $15.1725 print as people quote them.
 */
export function formatUsd(micro: number, opts: { currency?: string } = {}): string {
  const neg = micro < 0;
  const m = Math.abs(Math.round(micro));
  const whole = Math.floor(m / 1_000_000);
  let frac = String(m % 1_000_000).padStart(6, '0').replace(/0+$/, '');
  if (frac.length < 2) frac = frac.padEnd(2, '0');
  const sym = !opts.currency || opts.currency === 'USD' ? '$' : `${opts.currency} `;
  return `${neg ? '-' : ''}${sym}${whole.toLocaleString('en-US')}.${frac}`;
}

/** A share as a percentage with one decimal, e.g. 89.9%. */
export function formatPct(part: number, whole: number): string {
  if (whole === 0) return '0%';
  return `${((100 * part) / whole).toFixed(1)}%`;
}

/**
 * Dollars for reading, from exact micro-dollars: cents from $1 up, four decimals below (a request often
 * costs a fraction of a cent), `$0` for nothing. Reports keep the exact micro-dollar integers.
 */
export function displayUsd(micro: number): string {
  const sign = micro < 0 ? '-' : '';
  const v = Math.abs(micro) / 1e6;
  if (v === 0) return '$0';
  return `${sign}$${v >= 1 ? v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : v.toFixed(v >= 0.0001 ? 4 : 6)}`;
}
