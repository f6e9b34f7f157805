// Where kvlint's own files are. The modules run from three layouts: src/ (under vitest), dist/ as tsc
// writes it, and dist/bundle/ (one flat directory: see scripts/bundle.mjs). So no module counts '..'
// from its own URL: the package root is found once, as the nearest directory up that holds kvlint's
// package.json, and every path is taken from it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);

function findRoot(): string {
  for (let dir = dirname(here); ; ) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'kvlint') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`kvlint: cannot find its package.json above ${dirname(here)}`);
    dir = up;
  }
}

/** The package's root directory (package.json, rules/, data/, dist/). */
export const PACKAGE_ROOT = findRoot();

/** A path inside the package. */
export function packagePath(...parts: string[]): string {
  return join(PACKAGE_ROOT, ...parts);
}

/**
 * Whether this is the built package (dist/), not src/ under vitest. Files the build writes (the data
 * snapshot, the rank files) are used only then: tests exercise the paths that read the sources.
 */
export const BUILT = !here.endsWith('.ts');

/** A file the build writes under dist/, or undefined when running from src/. */
export function builtPath(...parts: string[]): string | undefined {
  return BUILT ? packagePath('dist', ...parts) : undefined;
}
