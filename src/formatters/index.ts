// The formatter registry: a name from `--format` to the function that renders the report.
import { KvlintError } from '../errors.js';
import { formatGithub } from './github.js';
import { formatGitlab } from './gitlab.js';
import { formatHtml } from './html.js';
import { formatJson, formatJsonChunks } from './json.js';
import { formatJunit } from './junit.js';
import { formatSarif, formatSarifChunks } from './sarif.js';
import { formatStylish } from './stylish.js';
import { formatUnix } from './unix.js';
import type { Report } from '../report.js';
import type { FormatOptions, Formatter } from './types.js';

export type { FatalError, FormatOptions, Formatter } from './types.js';

/** The formats `--format` accepts, in the order help lists them. */
export const FORMATTER_NAMES = ['stylish', 'json', 'sarif', 'github', 'html', 'gitlab', 'junit', 'unix'] as const;

export type FormatterName = (typeof FORMATTER_NAMES)[number];

const FORMATTERS: Record<FormatterName, Formatter> = {
  stylish: formatStylish,
  json: formatJson,
  sarif: formatSarif,
  github: formatGithub,
  html: formatHtml,
  gitlab: formatGitlab,
  junit: formatJunit,
  unix: formatUnix,
};

/**
 * Formats written in pieces as they are made: they carry every request (timeline entries, projection
 * rows), hundreds of MB on a large log, which is never held as one string.
 */
const IN_PIECES: Partial<Record<FormatterName, (report: Report, opts: FormatOptions) => Iterable<string>>> = {
  json: formatJsonChunks,
  sarif: formatSarifChunks,
};

/** The report in the format `name`, as pieces to write in order (one piece for most formats). */
export function formatPieces(name: string, report: Report, opts: FormatOptions): Iterable<string> {
  const inPieces = Object.prototype.hasOwnProperty.call(IN_PIECES, name) ? IN_PIECES[name as FormatterName] : undefined;
  return inPieces ? inPieces(report, opts) : [getFormatter(name)(report, opts)];
}

/** Formats read by programs: never coloured, whatever FORCE_COLOR or --color say. */
export function isMachineFormat(name: string): boolean {
  return name !== 'stylish';
}

/** The formatter for a `--format` value; KVE101 naming the valid ones when there is none. */
export function getFormatter(name: string): Formatter {
  if (Object.prototype.hasOwnProperty.call(FORMATTERS, name)) return FORMATTERS[name as FormatterName];
  throw new KvlintError('KVE101', `unknown format '${name}'; valid formats: ${FORMATTER_NAMES.join(', ')}`, {
    hint: `use --format ${FORMATTER_NAMES.join('|')}`,
  });
}
