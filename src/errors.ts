// Errors the tool itself raises. Usage and config errors end the run with exit 2; input errors are
// reported per file and the run goes on.

/** KVE1xx usage, KVE2xx config and rule loading, KVE3xx input, KVE9xx internal. */
export type ErrorCode =
  | 'KVE101' // bad flag or argument
  | 'KVE102' // no input matched
  | 'KVE201' // config file invalid
  | 'KVE202' // rule file invalid
  | 'KVE203' // unknown rule in config
  | 'KVE301' // unreadable file
  | 'KVE302' // binary file
  | 'KVE303' // invalid UTF-8 / unsupported encoding
  | 'KVE304' // file too large
  | 'KVE305' // unknown format
  | 'KVE306' // malformed record
  | 'KVE307' // empty file
  | 'KVE308' // a log none of whose records could be analyzed
  | 'KVE901'; // internal error

export class KvlintError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly file: string | undefined;
  readonly line: number | undefined;

  constructor(code: ErrorCode, message: string, opts: { hint?: string; file?: string; line?: number } = {}) {
    super(message);
    this.name = 'KvlintError';
    this.code = code;
    this.hint = opts.hint;
    this.file = opts.file;
    this.line = opts.line;
  }
}

/** A problem with one input that does not stop the run (the file or record is skipped and counted). */
export interface InputProblem {
  code: ErrorCode;
  file: string;
  line?: number;
  message: string;
}
