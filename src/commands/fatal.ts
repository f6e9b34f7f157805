// The one place that turns an exception into a message and exit code 2: a KvlintError is the user's to
// fix (bad flag, bad config) and prints without a stack; anything else is our bug.
import { KvlintError } from '../errors.js';
import type { Io } from '../io.js';

export function reportFatal(err: unknown, io: Io, debug: boolean): number {
  if (err instanceof KvlintError) {
    const where = err.file ? `${err.file}${err.line ? `:${err.line}` : ''}: ` : '';
    const already = err.file && err.message.startsWith(err.file);
    io.stderr.write(`kvlint: ${already ? '' : where}${err.message} (${err.code})\n`);
    if (err.hint) io.stderr.write(`hint: ${err.hint}\n`);
  } else {
    const msg = err instanceof Error ? err.message : String(err);
    io.stderr.write(`kvlint: internal error: ${msg}\n`);
    if (!debug) io.stderr.write('hint: run again with --debug for a stack trace, and report it\n');
  }
  if (debug && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  return 2;
}
