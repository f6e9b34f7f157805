// The README's rule table is generated from rules/*.yaml; this fails when someone forgets `npm run docs`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
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

  it('has a cache-gate recipe (docs/ci.md) whose workflow uses only the action\'s inputs and kvlint\'s real flags', () => {
    const ci = readFileSync(path.join(path.dirname(README_PATH), 'docs', 'ci.md'), 'utf8');
    expect(readme).toContain('](docs/ci.md#gate-ci-on-cache-metrics)');
    const block = /```yaml\n# \.github\/workflows\/kvlint-cache\.yml\n([\s\S]*?)```/.exec(ci)?.[1];
    expect(block).toBeDefined();
    const workflow = parse(block!) as { jobs: { cache: { steps: Array<{ uses?: string; with?: Record<string, string> }> } } };
    const step = workflow.jobs.cache.steps.find((s) => s.uses?.startsWith('kvlint/kvlint@'))!;
    const action = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as { inputs: Record<string, unknown> };
    for (const k of Object.keys(step.with!)) expect(action.inputs, k).toHaveProperty(k);
    for (const flag of ['--assert', '--group-by', '--max-drop', '--max-increase']) expect(cliText).toContain(flag);
    const gitlab = /```yaml\n# \.gitlab-ci\.yml\nkvlint-cache:[\s\S]*?```/.exec(ci)?.[0];
    expect(gitlab).toMatch(/kvlint compare base\.json kvlint-report\.json --max-drop cache-hit-rate=5/);
  });

  it('gives the two quick-start commands', () => {
    expect(readme).toContain('npm ci && npx kvlint fixtures/demo');
    expect(readme).toMatch(/^npm test\b/m);
  });

  it('fits on a page: under 20 KiB, the rest in docs/*.md', () => {
    expect(Buffer.byteLength(readme)).toBeLessThan(20 * 1024);
    for (const doc of ['projection.md', 'limits.md', 'internals.md', 'api.md']) expect(readme).toContain(`](docs/${doc}`);
  });

  it('links only to files that exist, from the README and from docs/*.md', () => {
    const root = path.dirname(README_PATH);
    const pages = [README_PATH, ...readdirSync(path.join(root, 'docs')).filter((n) => n.endsWith('.md')).map((n) => path.join(root, 'docs', n))];
    for (const page of pages) {
      const text = readFileSync(page, 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue; // a web address
        expect(existsSync(path.resolve(path.dirname(page), target!)), `${path.relative(root, page)} links to ${target}`).toBe(true);
      }
    }
  });
});
