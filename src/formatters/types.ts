// The contract between the report and its renderers.
import type { Report } from '../report.js';

/** What every formatter is told besides the report. */
export interface FormatOptions {
  /** colour the output (stylish only; machine formats ignore it) */
  color: boolean;
  /** the directory paths are shown relative to; absolute paths in the report are made relative to it */
  cwd: string;
  /**
   * columns to fit (stylish): messages wrap so the rule code stays on the finding's line; undefined when
   * the output is not a terminal and COLUMNS is unset — then nothing wraps
   */
  width?: number | undefined;
  /** kvlint's version, for SARIF's tool.driver.version */
  version: string;
  /**
   * set when the run stopped on a fatal error (bad config, internal error): SARIF then reports
   * `executionSuccessful: false` with this as a notification, so code scanning does not read an empty
   * result list as "all clear"
   */
  failure?: FatalError;
}

/** A fatal error as formatters see it (a KvlintError fits). */
export interface FatalError {
  code: string;
  message: string;
  file?: string | undefined;
  line?: number | undefined;
}

/** Renders a report to the text written to stdout or `-o`. Pure: no I/O, no clock. */
export type Formatter = (report: Report, opts: FormatOptions) => string;
