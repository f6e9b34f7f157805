// The progress bar: when it may be drawn (a terminal, not CI, a human format), what a frame says, that it
// waits before drawing and erases itself, and that a piped run prints nothing extra on stderr.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProgressBar, renderProgress, shouldShowProgress } from '../../src/progress.js';
import { kvlint, repoRoot } from '../helpers/cli.js';

describe('shouldShowProgress', () => {
  const base = { isTTY: true, env: {}, format: 'stylish', enabled: true };
  it('draws only for a person at a terminal', () => {
    expect(shouldShowProgress(base)).toBe(true);
    expect(shouldShowProgress({ ...base, format: 'html' })).toBe(true);
    expect(shouldShowProgress({ ...base, isTTY: false })).toBe(false);
    expect(shouldShowProgress({ ...base, isTTY: undefined })).toBe(false);
    expect(shouldShowProgress({ ...base, env: { CI: 'true' } })).toBe(false);
    expect(shouldShowProgress({ ...base, env: { CI: '1' } })).toBe(false);
    expect(shouldShowProgress({ ...base, env: { CI: 'false' } })).toBe(true);
    expect(shouldShowProgress({ ...base, env: { TERM: 'dumb' } })).toBe(false);
    for (const format of ['json', 'sarif', 'github']) expect(shouldShowProgress({ ...base, format })).toBe(false);
    expect(shouldShowProgress({ ...base, enabled: false })).toBe(false);
  });
});

describe('ProgressBar', () => {
  it('renders bytes, requests, rate and ETA', () => {
    const line = renderProgress({ bytesRead: 50 * 1024 ** 2, totalBytes: 200 * 1024 ** 2, requests: 9600, elapsedMs: 2000 }, 10);
    expect(line).toBe('[###-------]   25%  50.0 MB / 200.0 MB  9,600 requests  25.0 MB/s  ETA 0:06');
  });

  it('stays silent for the first second, throttles, and erases itself', () => {
    let t = 0;
    const out: string[] = [];
    const bar = new ProgressBar({ write: (s: string) => out.push(s) }, 1000, () => t);
    bar.update(10, 1);
    t = 999;
    bar.update(20, 2);
    expect(out).toEqual([]);
    t = 1000;
    bar.update(500, 3);
    t = 1050;
    bar.update(600, 4); // within 100 ms of the last frame
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^\r\[#+-+\]\s+50%.*3 requests.*\x1b\[K$/);
    bar.done();
    expect(out[1]).toBe('\r\x1b[K');
  });

  it('a quick run that never drew erases nothing', () => {
    const out: string[] = [];
    const bar = new ProgressBar({ write: (s: string) => out.push(s) }, 10, () => 0);
    bar.update(5, 1);
    bar.done();
    expect(out).toEqual([]);
  });
});

describe('piped runs', () => {
  it('print nothing on stderr for a log (stderr is not a terminal)', () => {
    const r = kvlint([path.join(repoRoot, 'fixtures/logs/anthropic-bodies.jsonl')], { env: { CI: undefined } });
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain('\r');
  });
});
