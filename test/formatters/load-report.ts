// Loads the shared formatter fixture, a fresh copy per call so a test cannot leak mutations into another.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Report } from '../../src/report.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/formatters/report.json', import.meta.url));

export function loadReport(): Report {
  return JSON.parse(readFileSync(FIXTURE, 'utf8')) as Report;
}

/** A report with no findings and no problems. */
export function cleanReport(files = 3): Report {
  return {
    version: '0.1.0',
    files: [],
    problems: [],
    rules: {},
    summary: { files, errors: 0, warnings: 0, infos: 0, fixable: 0, tokensAtRisk: 0, approx: false, skipped: 0 },
  };
}

export const OPTS = { color: false, cwd: '/repo', version: '0.1.0' };
