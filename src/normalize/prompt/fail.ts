// Building the KvlintErrors the prompt parsers throw, with file and line filled in.
import { KvlintError } from '../../errors.js';
import type { SourceFile } from '../../model.js';
import { positionAt } from '../../source.js';

/** KVE306: the file is not well-formed for its format; `offset` is a source offset. */
export function malformed(file: SourceFile, offset: number, message: string, hint?: string): KvlintError {
  const { line, column } = positionAt(file, Math.max(0, Math.min(offset, file.text.length)));
  const opts: { file: string; line: number; hint?: string } = { file: file.path, line };
  if (hint !== undefined) opts.hint = hint;
  return new KvlintError('KVE306', `${file.path}:${line}:${column}: ${message}`, opts);
}

/** KVE305: the file is in no format kvlint knows. */
export function unknownFormat(file: SourceFile, detail: string): KvlintError {
  return new KvlintError('KVE305', `${file.path}: ${detail}`, {
    file: file.path,
    hint: 'name a known template, tool or request format, or pass the file as a request log',
  });
}
