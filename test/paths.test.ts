// src/paths.ts finds the package's own files from any layout (src/, dist/, dist/bundle/).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT, builtPath, PACKAGE_ROOT, packagePath } from '../src/paths.js';
import { repoRoot } from './helpers/cli.js';

describe('package paths', () => {
  it('find the package root and its data from src/', () => {
    expect(PACKAGE_ROOT).toBe(repoRoot);
    expect(existsSync(packagePath('rules', 'no-timestamp-in-prefix.yaml'))).toBe(true);
    expect(existsSync(packagePath('data', 'prices.yaml'))).toBe(true);
  });

  it('give no build outputs when running from src/, so tests read the sources', () => {
    expect(BUILT).toBe(false);
    expect(builtPath('snapshot.json')).toBeUndefined();
  });

  it.skipIf(!existsSync(path.join(repoRoot, 'dist', 'paths.js')))('give the build outputs when running built', async () => {
    const built = (await import(path.join(repoRoot, 'dist', 'paths.js'))) as typeof import('../src/paths.js');
    expect(built.PACKAGE_ROOT).toBe(repoRoot);
    expect(built.BUILT).toBe(true);
    expect(built.builtPath('snapshot.json')).toBe(path.join(repoRoot, 'dist', 'snapshot.json'));
  });
});
