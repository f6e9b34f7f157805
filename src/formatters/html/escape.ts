// Text → HTML for the report page. Every string from the report passes through here after redaction, so
// a prompt excerpt can neither inject markup nor leak a secret into a file that gets attached to tickets.
import { redact } from '../../redact.js';

/** Escapes the five characters that matter in element content and double-quoted attributes. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/** Redacts (unless --no-redact) and escapes: the only way report text reaches the page. */
export function safe(s: string): string {
  return esc(redact(s));
}

/** A whole number with `,` separators and `≈` when approximate: the same text stylish prints. */
export function num(n: number, approx = false): string {
  const [int = '', frac] = String(Math.round(n * 100) / 100).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${approx ? '≈' : ''}${frac === undefined ? grouped : `${grouped}.${frac}`}`;
}

/** A share as a percentage with one decimal, `–` when the whole is zero. */
export function percent(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '–';
}

/**
 * A word diff excerpt (`[-old-]{+new+}`, as the log analyzer writes it) as <del>/<ins>; other text as is.
 * Redaction runs on the whole excerpt first so a secret split by the markers is still caught.
 */
export function diffExcerpt(text: string): string {
  const red = redact(text);
  const out: string[] = [];
  const re = /\[-([\s\S]*?)-\]|\{\+([\s\S]*?)\+\}/g;
  let last = 0;
  for (let m = re.exec(red); m; m = re.exec(red)) {
    out.push(esc(red.slice(last, m.index)));
    out.push(m[1] !== undefined ? `<del>${esc(m[1])}</del>` : `<ins>${esc(m[2] ?? '')}</ins>`);
    last = m.index + m[0].length;
  }
  out.push(esc(red.slice(last)));
  return out.join('');
}

/** UTC date and time, deterministic (no local timezone). */
export function utc(ms: number | undefined): string {
  return ms === undefined ? '' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}
