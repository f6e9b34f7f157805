// `node dist/build-bundle.js`, run by `npm run build` after tsc: links the compiled modules into a few
// files under dist/bundle/, which bin/kvlint.js and the worker threads load. Node 20 resolves and
// compiles each ES module separately, ~0.5 ms apiece: the ~100 modules of a log run cost ~60 ms in the
// main thread and as much again in the log worker, on the critical path of every run (the 10-template
// pre-commit case has a 300 ms budget in all). The code is tsc's output, only joined (no minifying, no
// other transform), with code splitting so each thread loads what it uses; packages stay in
// node_modules. Every output file sits in dist/bundle/ itself: modules find the package's files through
// src/paths.ts and their worker scripts next to themselves, so both layouts work.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { packagePath } from './paths.js';

/** Entry points: the CLI and the script of each kind of thread (the names must stay distinct). */
const ENTRIES = ['cli.js', 'logs/job-worker.js', 'logs/read-worker.js', 'tokenize/worker.js', 'normalize/source/source-worker.js'];

const outdir = packagePath('dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: ENTRIES.map((e) => packagePath('dist', e)),
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  sourcemap: 'linked',
  logLevel: 'warning',
  metafile: true,
});
const files = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'));
process.stdout.write(`kvlint: bundled ${Object.keys(result.metafile.inputs).length} modules into ${files.length} files in dist/bundle/\n`);
