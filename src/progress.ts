// A progress bar for long request-log runs: bytes read, requests, rate and ETA, redrawn in place on
// stderr. Only for a person watching a terminal: never in CI, never when stderr is a pipe or a file, never
// with machine formats (their consumers read stdout, and a CI log would keep every redraw), never on
// stdout. It appears only after a run has taken a while, so quick runs print nothing extra.
import type { OutStream } from './io.js';

/** Formats whose output a person reads; the others are read by programs. */
const HUMAN_FORMATS = new Set(['stylish', 'html']);
/** Runs shorter than this never show a bar. */
export const PROGRESS_DELAY_MS = 1000;
/** Redraws at most this often. */
export const PROGRESS_INTERVAL_MS = 100;

export interface ProgressInputs {
  /** stderr is a terminal */
  isTTY: boolean | undefined;
  env: Record<string, string | undefined>;
  format: string;
  /** false with --no-progress */
  enabled: boolean;
}

/**
 * Whether to draw a progress bar: stderr must be a terminal, `CI` unset (or `false`/`0`: some tools set it
 * so), `TERM` not `dumb`, the format one a person reads, and --no-progress not given.
 */
export function shouldShowProgress({ isTTY, env, format, enabled }: ProgressInputs): boolean {
  if (!enabled || isTTY !== true) return false;
  const ci = env.CI;
  if (ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false') return false;
  if (env.TERM === 'dumb') return false;
  return HUMAN_FORMATS.has(format);
}

function bytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(0)} kB`;
  return `${n} B`;
}

function duration(s: number): string {
  const t = Math.max(0, Math.round(s));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
}

export interface ProgressState {
  bytesRead: number;
  totalBytes: number;
  requests: number;
  elapsedMs: number;
}

/** One line of the bar: `[#####-----]  42%  120.3 MB / 286.0 MB  9,600 requests  95.2 MB/s  ETA 0:02`. */
export function renderProgress(s: ProgressState, width = 24): string {
  const frac = s.totalBytes > 0 ? Math.min(1, s.bytesRead / s.totalBytes) : 0;
  const fill = Math.round(frac * width);
  const secs = s.elapsedMs / 1000;
  const rate = secs > 0 ? s.bytesRead / secs : 0;
  const eta = rate > 0 && s.totalBytes > s.bytesRead ? duration((s.totalBytes - s.bytesRead) / rate) : frac >= 1 ? '0:00' : '–';
  return [
    `[${'#'.repeat(fill)}${'-'.repeat(width - fill)}]`,
    `${String(Math.floor(frac * 100)).padStart(3)}%`,
    `${bytes(s.bytesRead)} / ${bytes(s.totalBytes)}`,
    `${s.requests.toLocaleString('en-US')} requests`,
    `${bytes(rate)}/s`,
    `ETA ${eta}`,
  ].join('  ');
}

/** Draws the bar on `stream` (stderr), throttled; `done` erases it so the report starts on a clean line. */
export class ProgressBar {
  private drawn = false;
  private lastDraw = -Infinity;
  private readonly start: number;

  constructor(
    private readonly stream: OutStream,
    private readonly totalBytes: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.start = now();
  }

  update(bytesRead: number, requests: number): void {
    const t = this.now();
    const elapsed = t - this.start;
    if (elapsed < PROGRESS_DELAY_MS || t - this.lastDraw < PROGRESS_INTERVAL_MS) return;
    this.lastDraw = t;
    this.drawn = true;
    this.stream.write(`\r${renderProgress({ bytesRead, totalBytes: this.totalBytes, requests, elapsedMs: elapsed })}\x1b[K`);
  }

  done(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
