// The process boundary: everything run() may read or write comes through an Io, and the colour decision
// is made here, once, so no formatter or command second-guesses NO_COLOR / FORCE_COLOR / --color.
import { Chalk, type ChalkInstance } from 'chalk';

/** A stream kvlint writes to: process.stdout/stderr in the CLI, a string buffer in tests. */
export interface OutStream {
  /** false when the stream's buffer is full: wait for 'drain' (when the stream has `once`) */
  write(s: string): unknown;
  once?(event: 'drain', listener: () => void): unknown;
  /** true when the stream is a terminal (drives the colour default) */
  isTTY?: boolean;
  /** the terminal's width, when the stream is one */
  columns?: number;
}

/** A stream kvlint may read from (stdin). */
export interface InStream extends AsyncIterable<string | Buffer | Uint8Array> {
  isTTY?: boolean;
}

/** What the CLI gets from the process. run() and the commands never touch `process` directly. */
export interface Io {
  /** arguments after the executable and script, as `process.argv.slice(2)` */
  argv: string[];
  env: Record<string, string | undefined>;
  cwd: string;
  stdout: OutStream;
  stderr: OutStream;
  stdin?: InStream;
}

/** Inputs to the colour decision. */
export interface ColorInputs {
  /** `--color` (true) or `--no-color` (false); undefined when neither was given */
  flag?: boolean | undefined;
  env: Record<string, string | undefined>;
  /** whether the stream the output goes to is a terminal */
  isTTY: boolean | undefined;
}

/**
 * Decides whether human output is coloured. Precedence, highest first:
 * `--color`/`--no-color`; `FORCE_COLOR` (set and not `0`/`false` → on, `0`/`false` → off — Node's own rule,
 * so it beats `NO_COLOR`); `NO_COLOR` (any non-empty value → off, per no-color.org); then whether the
 * stream is a terminal. `TERM=dumb` terminals get none. Azure Pipelines (`TF_BUILD`) renders ANSI in
 * its log although stdout is a pipe, so it gets colour the way chalk gives it.
 * Machine formats (json, sarif, github) must never ask: their callers pass false.
 */
export function decideColor({ flag, env, isTTY }: ColorInputs): boolean {
  if (flag !== undefined) return flag;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') {
    const v = force.trim().toLowerCase();
    return v !== '0' && v !== 'false';
  }
  const noColor = env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  if (env.TF_BUILD && env.AGENT_NAME) return true;
  if (!isTTY) return false;
  return env.TERM !== 'dumb';
}

/**
 * The width human output fits: `COLUMNS` when it is a positive whole number (as Python's
 * shutil.get_terminal_size reads it, so `COLUMNS=100 kvlint … | less` works), else the terminal's width
 * when the stream is one, else undefined — a pipe or a CI log keeps one finding per line, for grep.
 */
export function terminalWidth(env: Record<string, string | undefined>, stream: Pick<OutStream, 'isTTY' | 'columns'>): number | undefined {
  const fromEnv = Number(env.COLUMNS);
  if (env.COLUMNS !== undefined && Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  if (stream.isTTY && stream.columns !== undefined && stream.columns > 0) return stream.columns;
  return undefined;
}

/**
 * A chalk instance that colours exactly when `enabled` says so: level 0 (plain text) or level ≥ 1.
 * We never use chalk's default instance, which detects support on its own and ignores NO_COLOR.
 * Basic 16 colours are all kvlint uses, so level 1 is the default when enabled.
 */
export function makeChalk(enabled: boolean, level: 1 | 2 | 3 = 1): ChalkInstance {
  return new Chalk({ level: enabled ? level : 0 });
}

export type { ChalkInstance };
