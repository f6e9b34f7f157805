#!/usr/bin/env node
// Launcher: wire the real process to main() and set the exit code. The only place that touches process
// exit state; everything else returns values.
let main;
try {
  ({ main } = await import('../dist/bundle/cli.js'));
} catch (err) {
  // a checkout whose build never ran (npm ci --ignore-scripts): say how to get one, not a module stack
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/bundle/cli.js')) {
    process.stderr.write('kvlint: not built yet: run `npm run build` in the kvlint folder (npm ci runs it)\n');
    process.exit(2);
  }
  throw err;
}

// `kvlint … | head` closes our stdout early: end quietly instead of crashing on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const io = {
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
};

main(io.argv, io).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`kvlint: internal error: ${err && err.message ? err.message : String(err)}\n`);
    if (process.argv.includes('--debug') && err && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exitCode = 2;
  },
);
