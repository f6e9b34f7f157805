// Inline SVG charts for the HTML report: no library, no script, so the page draws the same offline, in a
// mail attachment, and in a screenshot. Sizes are in SVG user units; CSS makes them fluid.
import { some, type List } from '../../list.js';
import type { LineageView, TimelineEntry } from '../../logs/types.js';
import { esc, num, utc } from './escape.js';

const W = 760;
const H = 190;
const PAD = { left: 64, right: 12, top: 16, bottom: 28 };
/** More bars than this are averaged into buckets, so a day-long lineage stays a readable chart. */
export const MAX_BARS = 240;

interface Bar {
  first: TimelineEntry;
  last: TimelineEntry;
  /** requests in the bucket */
  n: number;
  cached: number;
  uncached: number;
  breaks: number;
  causes: string[];
  reported?: number;
}

/** Groups consecutive requests into at most MAX_BARS buckets, averaging per request; reads each request once. */
function buckets(reqs: List<TimelineEntry>): Bar[] {
  const size = Math.max(1, Math.ceil(reqs.length / MAX_BARS));
  const out: Bar[] = [];
  let part: TimelineEntry[] = [];
  const flush = (): void => {
    const first = part[0];
    const last = part[part.length - 1];
    if (!first || !last) return;
    const cached = part.reduce((a, r) => a + Math.min(r.reusedTokens, r.tokens), 0) / part.length;
    const total = part.reduce((a, r) => a + r.tokens, 0) / part.length;
    const withUsage = part.filter((r) => r.usage?.cacheReadTokens !== undefined);
    const bar: Bar = {
      first,
      last,
      n: part.length,
      cached,
      uncached: Math.max(0, total - cached),
      breaks: part.filter((r) => r.divergence).length,
      causes: part.flatMap((r) => (r.divergence ? [`${r.divergence.cause}${r.divergence.code ? ` ${r.divergence.code}` : ''}`] : [])),
    };
    if (withUsage.length > 0) bar.reported = withUsage.reduce((a, r) => a + (r.usage?.cacheReadTokens ?? 0), 0) / withUsage.length;
    out.push(bar);
    part = [];
  };
  for (const r of reqs) {
    part.push(r);
    if (part.length === size) flush();
  }
  flush();
  return out;
}

/** A round axis maximum: 1, 2 or 5 times a power of ten at or above `v`. */
function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

const f1 = (v: number): string => (Math.round(v * 10) / 10).toString();

/**
 * Cached (reused) vs uncached tokens per request of one lineage, in request order, with a red mark over
 * each request that broke the prefix and, when the log has usage, the provider's reported cache reads as a
 * dashed line — kvlint's reading of the bodies next to what the provider billed.
 */
export function lineageChart(l: LineageView, id: string): string {
  const bars = buckets(l.requests);
  const approx = some(l.requests, (r) => r.approx);
  const max = niceMax(Math.max(1, ...bars.map((b) => b.cached + b.uncached), ...bars.map((b) => b.reported ?? 0)));
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const step = iw / Math.max(1, bars.length);
  const bw = Math.max(1, step * 0.78);
  const y = (v: number): number => PAD.top + ih - (ih * v) / max;
  const parts: string[] = [];
  parts.push(`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${id}-t" data-chart="lineage">`);
  parts.push(`<title id="${id}-t">cached and uncached tokens per request</title>`);
  for (let g = 0; g <= 4; g++) {
    const v = (max * g) / 4;
    const gy = f1(y(v));
    parts.push(`<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${gy}" y2="${gy}"/>`);
    parts.push(`<text class="axis" x="${PAD.left - 6}" y="${f1(y(v) + 4)}" text-anchor="end">${num(v)}</text>`);
  }
  bars.forEach((b, k) => {
    const x = PAD.left + k * step + (step - bw) / 2;
    const label = b.n === 1 ? `request #${b.first.index}` : `requests #${b.first.index}–#${b.last.index} (average of ${b.n})`;
    const when = b.first.time !== undefined ? `, ${utc(b.first.time)} UTC` : '';
    const tip = `${label}${when}: ${num(b.cached, approx)} cached, ${num(b.uncached, approx)} uncached tokens${b.causes.length ? `; break: ${b.causes.join(', ')}` : ''}`;
    parts.push(`<g class="bar${b.breaks ? ' broke' : ''}"><title>${esc(tip)}</title>`);
    parts.push(`<rect class="cached" x="${f1(x)}" y="${f1(y(b.cached))}" width="${f1(bw)}" height="${f1(y(0) - y(b.cached))}"/>`);
    parts.push(`<rect class="uncached" x="${f1(x)}" y="${f1(y(b.cached + b.uncached))}" width="${f1(bw)}" height="${f1(y(b.cached) - y(b.cached + b.uncached))}"/>`);
    if (b.breaks) {
      const cx = x + bw / 2;
      const ty = y(b.cached + b.uncached) - 3;
      parts.push(`<path class="break" d="M${f1(cx - 5)} ${f1(ty - 8)} L${f1(cx + 5)} ${f1(ty - 8)} L${f1(cx)} ${f1(ty)} Z"/>`);
    }
    parts.push('</g>');
  });
  const reported = bars.map((b, k) => (b.reported === undefined ? undefined : `${f1(PAD.left + k * step + step / 2)},${f1(y(b.reported))}`));
  if (reported.some((p) => p !== undefined)) {
    parts.push(`<polyline class="reported" points="${reported.filter((p) => p !== undefined).join(' ')}"><title>cache read tokens reported by the provider</title></polyline>`);
  }
  const first = bars[0]?.first;
  const last = bars[bars.length - 1]?.last;
  const xlab = (r: TimelineEntry | undefined): string => (r ? (r.time !== undefined ? utc(r.time).slice(11) : `#${r.index}`) : '');
  parts.push(`<text class="axis" x="${PAD.left}" y="${H - 8}">${esc(xlab(first))}</text>`);
  parts.push(`<text class="axis" x="${W - PAD.right}" y="${H - 8}" text-anchor="end">${esc(xlab(last))}</text>`);
  parts.push(`<text class="axis" x="${PAD.left + iw / 2}" y="${H - 8}" text-anchor="middle">${bars.length < l.requests.length ? `${num(l.requests.length)} requests, each bar averages ${Math.ceil(l.requests.length / MAX_BARS)}` : `${num(l.requests.length)} requests`}</text>`);
  parts.push('</svg>');
  return parts.join('');
}

/** One place in a prompt where prefixes broke, and how often. */
export interface BreakPoint {
  /** token offset of the break in the prompt */
  offset: number;
  /** the segment label (`tools[1] search_tools`, `system[0]`, …) */
  where: string;
  what: string;
  count: number;
  tokens: number;
  /** redacted excerpt of the first change seen there (`[-old-]{+new+}`) */
  excerpt?: string;
}

/**
 * A strip standing for the prompt from token 0 to `total`: the part before the earliest break is reused,
 * the rest is shaded as re-sent; each break point is a dot sized by how often the prefix broke there.
 */
export function segmentStrip(points: readonly BreakPoint[], total: number, id: string): string {
  const sw = W;
  const sh = 54;
  const left = 8;
  const iw = sw - 2 * left;
  const span = Math.max(1, total, ...points.map((p) => p.offset));
  const x = (v: number): number => left + (iw * Math.min(v, span)) / span;
  const earliest = points.length ? Math.min(...points.map((p) => p.offset)) : span;
  const out: string[] = [`<svg class="strip" viewBox="0 0 ${sw} ${sh}" role="img" aria-labelledby="${id}-t" data-chart="segments">`];
  out.push(`<title id="${id}-t">where the prefix breaks, by token offset</title>`);
  out.push(`<rect class="kept" x="${left}" y="18" width="${f1(x(earliest) - left)}" height="16"><title>${esc(`tokens 0–${num(earliest)}: reusable`)}</title></rect>`);
  out.push(`<rect class="lost" x="${f1(x(earliest))}" y="18" width="${f1(left + iw - x(earliest))}" height="16"><title>${esc(`from token ${num(earliest)} on: not reusable after the earliest break`)}</title></rect>`);
  // Breaks at one offset (three tools swapped in and out at the same slot) share one dot, sized by their sum.
  const byOffset = new Map<number, BreakPoint[]>();
  for (const p of points) byOffset.set(p.offset, [...(byOffset.get(p.offset) ?? []), p]);
  const maxAt = Math.max(1, ...[...byOffset.values()].map((ps) => ps.reduce((a, p) => a + p.count, 0)));
  for (const [offset, ps] of [...byOffset.entries()].sort((a, b) => a[0] - b[0])) {
    const count = ps.reduce((a, p) => a + p.count, 0);
    const r = 4 + 6 * Math.sqrt(count / maxAt);
    const tip = `token ${num(offset)}: ${ps.map((p) => `${p.where} — ${p.what} ×${p.count}`).join('; ')}`;
    out.push(`<circle class="pt" cx="${f1(x(offset))}" cy="26" r="${f1(r)}"><title>${esc(tip)}</title></circle>`);
  }
  out.push(`<text class="axis" x="${left}" y="50">0</text><text class="axis" x="${sw - left}" y="50" text-anchor="end">${num(span)} tokens</text>`);
  out.push('</svg>');
  return out.join('');
}
