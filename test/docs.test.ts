// The README's rule table is generated from rules/*.yaml; this fails when someone forgets `npm run docs`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { README_PATH, renderRulesTable, spliceRulesTable } from '../src/docs/readme.js';
import { loadRules } from '../src/engine/registry.js';

describe('README', () => {
  const readme = readFileSync(README_PATH, 'utf8');

  it('has an up-to-date rules table (run `npm run docs`)', () => {
    expect(spliceRulesTable(readme, renderRulesTable(loadRules()))).toBe(readme);
  });

  it('has an anchor for every rule code, which SARIF helpUri points to', () => {
    for (const r of loadRules()) expect(readme).toContain(`<a id="${r.code.toLowerCase()}"></a>`);
  });

  it('gives the two quick-start commands', () => {
    expect(readme).toContain('npm ci && npx kvlint fixtures/demo');
    expect(readme).toMatch(/^npm test\b/m);
  });
});
