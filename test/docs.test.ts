// The README's rule table is generated from rules/*.yaml; this fails when someone forgets `npm run docs`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { README_PATH, renderRulesTable, spliceRulesTable } from '../src/docs/readme.js';
import { loadRules } from '../src/engine/registry.js';
import { parse } from 'yaml';

const cliText = readFileSync(new URL('../src/cli.ts', import.meta.url), 'utf8');

describe('README', () => {
  const readme = readFileSync(README_PATH, 'utf8');

  it('has an up-to-date rules table (run `npm run docs`)', () => {
    expect(spliceRulesTable(readme, renderRulesTable(loadRules()))).toBe(readme);
  });

  it('has an anchor for every rule code, which SARIF helpUri points to', () => {
    for (const r of loadRules()) expect(readme).toContain(`<a id="${r.code.toLowerCase()}"></a>`);
  });

  it('has a cache-gate recipe whose workflow uses only the action\'s inputs and kvlint\'s real flags', () => {
    const block = /```yaml\n# \.github\/workflows\/kvlint-cache\.yml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const workflow = parse(block!) as { jobs: { cache: { steps: Array<{ uses?: string; with?: Record<string, string> }> } } };
    const step = workflow.jobs.cache.steps.find((s) => s.uses?.startsWith('kvlint/kvlint@'))!;
    const action = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as { inputs: Record<string, unknown> };
    for (const k of Object.keys(step.with!)) expect(action.inputs, k).toHaveProperty(k);
    for (const flag of ['--assert', '--group-by', '--max-drop', '--max-increase']) expect(cliText).toContain(flag);
    const gitlab = /```yaml\n# \.gitlab-ci\.yml\nkvlint-cache:[\s\S]*?```/.exec(readme)?.[0];
    expect(gitlab).toMatch(/kvlint compare base\.json kvlint-report\.json --max-drop cache-hit-rate=5/);
  });

  it('gives the two quick-start commands', () => {
    expect(readme).toContain('npm ci && npx kvlint fixtures/demo');
    expect(readme).toMatch(/^npm test\b/m);
  });
});
