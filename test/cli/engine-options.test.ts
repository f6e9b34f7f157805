// Engine options as a user types them: sizes and budgets must be whole numbers ≥ 1, a budget needs an
// engine, the four engines replay, and `kvlint estimate` answers large workloads at once.
import { describe, expect, it } from 'vitest';
import { kvlint } from '../helpers/cli.js';

const log = 'fixtures/logs/shared-cache/multi-user.jsonl';

describe('engine options', () => {
  it('refuses 0 or negative sizes and budgets, and a budget or block size without --engine (exit 2)', () => {
    for (const args of [
      ['--engine', 'vllm', '--kv-budget', '0'],
      ['--engine', 'vllm', '--kv-budget', '-5'],
      ['--engine', 'vllm', '--block-size', '0'],
      ['--engine', 'sglang', '--page-size', '0'],
      ['--kv-budget', '4096'],
      ['--block-size', '32'],
    ]) {
      const r = kvlint([log, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/at least 1|needs? --engine/);
    }
  });

  it('replays through vllm, sglang, tgi and trtllm, and names a budget smaller than one request', () => {
    for (const engine of ['vllm', 'sglang', 'tgi', 'trtllm']) {
      const r = kvlint([log, '--engine', engine, '-f', 'json']);
      expect(r.code, engine).toBe(0);
      const p = (JSON.parse(r.stdout) as { projection: { targets: { regime: string }[]; total: { now: { hits: number } } } }).projection;
      expect(p.targets[0]!.regime).toBe(engine);
      expect(p.total.now.hits, engine).toBe(7); // all traffic shares one pool: every user after the first reads the system prompt
    }
    const small = kvlint([log, '--engine', 'vllm', '--kv-budget', '100']);
    expect(small.stdout).toMatch(/--kv-budget 100 tokens is smaller than the largest request/);
  });

  it('kvlint estimate answers huge workloads quickly and refuses what it cannot represent', () => {
    const t0 = Date.now();
    expect(kvlint(['estimate', '--requests', '1000000000000', '--prefix-tokens', '100']).code).toBe(0);
    expect(kvlint(['estimate', '--requests', '1000000', '--prefix-tokens', '1000000', '--engine', 'vllm']).code).toBe(0);
    expect(kvlint(['estimate', '--requests', '5000', '--prefix-tokens', '200000', '--engine', 'sglang']).code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(20_000); // three processes; each computes two requests
    const huge = kvlint(['estimate', '--prefix-tokens', '200000000', '--requests', '5', '--engine', 'sglang']);
    expect(huge.code).toBe(2);
    expect(huge.stderr).toMatch(/longer than any model's context window/);
  });
});
