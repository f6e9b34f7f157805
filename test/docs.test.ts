// The README's rule table is generated from rules/*.yaml; this fails when someone forgets `npm run docs`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
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
