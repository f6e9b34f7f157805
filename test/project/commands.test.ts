// `kvlint estimate` and `kvlint ttft` through the real binary.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kvlint } from '../helpers/cli.js';

describe('kvlint estimate', () => {
  it('prints the worked example', () => {
    const r = kvlint(['estimate', '--prefix-tokens', '50000', '--requests', '1000']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('$150.00');
    expect(r.stdout).toContain('$15.1725');
    expect(r.stdout).toMatch(/price row claude-sonnet-4-6, .*as of 2026-08-21/);
    expect(r.stdout).toContain('every request assumed within the cache TTL');
  });

  it('--price and --json give exact micro-dollars', () => {
    const r = kvlint(['estimate', '--prefix-tokens', '50000', '--requests', '3', '--price', 'input=3,cache_write=3,cache_read=0.3', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { uncached: { cost: { total: number } }; cached: { cost: { total: number } } };
    expect(j.uncached.cost.total).toBe(450_000);
    expect(j.cached.cost.total).toBe(180_000);
  });

  it('an unknown model exits 2 and names --price', () => {
    const r = kvlint(['estimate', '--prefix-tokens', '100', '--requests', '2', '--model', 'no-such-model']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no price row for model 'no-such-model'/);
    expect(r.stderr).toContain('--price');
  });

  it('a bad --price exits 2', () => {
    expect(kvlint(['estimate', '--prefix-tokens', '100', '--requests', '2', '--price', 'input=abc']).code).toBe(2);
  });

  it('--engine vllm replays through the engine model', () => {
    const r = kvlint(['estimate', '--prefix-tokens', '4096', '--requests', '10', '--suffix-tokens', '100', '--engine', 'vllm', '--model', 'llama-3.1-8b', '--price', 'input=0.1', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { target: string; cached: { readTokens: number } };
    expect(j.target).toBe('vllm');
    expect(j.cached.readTokens).toBe(9 * 4096);
  });
});

describe('kvlint ttft', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kvlint-ttft-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('predicts for a known open model', () => {
    const r = kvlint(['ttft', '--model', 'llama-3.1-8b', '--cached', '64512', '--new', '1024', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { prefillMs: number; approx: boolean };
    expect(j.approx).toBe(false);
    // measured 163.2 ms on the H200 (calibration row)
    expect(Math.abs(j.prefillMs - 163.2) / 163.2).toBeLessThan(0.15);
  });

  it('accepts a shape file', () => {
    const f = path.join(dir, 'tiny.json');
    writeFileSync(f, JSON.stringify({ layers: 24, hidden: 2048, heads: 16, kvHeads: 4, mlp: 5632 }));
    const r = kvlint(['ttft', '--model', f, '--cached', '0', '--new', '2000']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/prefill\s+\d/);
  });

  it('marks a hosted model ≈', () => {
    const r = kvlint(['ttft', '--model', 'claude-sonnet-4-6', '--cached', '50000', '--new', '500']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/prefill\s+≈/);
  });

  it('rejects a bad shape file with exit 2', () => {
    const f = path.join(dir, 'bad.json');
    writeFileSync(f, JSON.stringify({ layers: 'x' }));
    expect(kvlint(['ttft', '--model', f, '--cached', '0', '--new', '1']).code).toBe(2);
  });
});
