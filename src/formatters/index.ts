// The formatter registry: a name from `--format` to the function that renders the report.
import { KvlintError } from '../errors.js';
import { formatGithub } from './github.js';
import { formatHtml } from './html.js';
import { formatJson } from './json.js';
import { formatSarif } from './sarif.js';
import { formatStylish } from './stylish.js';
import type { Formatter } from './types.js';

export type { FatalError, FormatOptions, Formatter } from './types.js';

/** The formats `--format` accepts, in the order help lists them. */
export const FORMATTER_NAMES = ['stylish', 'json', 'sarif', 'github', 'html'] as const;

export type FormatterName = (typeof FORMATTER_NAMES)[number];

const FORMATTERS: Record<FormatterName, Formatter> = {
  stylish: formatStylish,
  json: formatJson,
  sarif: formatSarif,
  github: formatGithub,
  html: formatHtml,
};

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
