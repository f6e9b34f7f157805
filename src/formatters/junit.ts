// JUnit XML, the format CI test tabs read (GitLab's artifacts:reports:junit, Jenkins, Azure, the GitHub
// test-report actions): one test case per file checked, passing when the file is clean, with one
// <failure> per finding; an input that could not be checked is an <error> (the test could not run).
import type { Diagnostic } from '../model.js';
import type { Report } from '../report.js';
import { displayPath, normalizeReport } from './normalize.js';
import type { FormatOptions } from './types.js';

/**
 * Text as XML 1.0 character data or an attribute value: the five special characters escaped, line breaks
 * and tabs kept (as references, so attribute normalization does not eat them), and the characters XML
 * 1.0 cannot carry at all (other C0 controls, lone surrogates, U+FFFE/U+FFFF) replaced with U+FFFD.
 */
export function escapeXml(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');
}

function attrs(props: Record<string, string | number>): string {
  return Object.entries(props)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
}

/** `3:18 error KV101 message (no-timestamp-in-prefix)`: what a test tab shows for one finding. */
function failureText(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code !== '' ? `${d.code} ` : ''}${d.message} (${d.ruleId})`;
}

interface Case {
  name: string;
  body: string[];
  failures: number;
  errors: number;
}

/** The report as one <testsuites> with one <testsuite name="kvlint">; deterministic, no timestamps. */
export function formatJunit(report: Report, opts: FormatOptions): string {
  const r = normalizeReport(report, opts.cwd);
  const cases = new Map<string, Case>();
  const caseFor = (file: string): Case => {
    let c = cases.get(file);
    if (!c) {
      c = { name: file, body: [], failures: 0, errors: 0 };
      cases.set(file, c);
    }
    return c;
  };
  for (const f of r.files) {
    const c = caseFor(f.file);
    for (const d of f.diagnostics) {
      c.failures++;
      const message = `${d.line}:${d.column} ${d.severity} ${d.code !== '' ? `${d.code} ` : ''}${d.message}`;
      c.body.push(`      <failure${attrs({ message, type: d.code !== '' ? d.code : d.ruleId })}>${escapeXml(failureText(d))}</failure>`);
    }
  }
  for (const p of r.problems) {
    const c = caseFor(p.file);
    c.errors++;
    const where = p.line !== undefined ? `${p.file}:${p.line}` : p.file;
    c.body.push(`      <error${attrs({ message: p.message, type: p.code })}>${escapeXml(`${where}: ${p.code} ${p.message}`)}</error>`);
  }
  if (opts.failure) {
    const f = opts.failure;
    const c = caseFor(f.file !== undefined ? displayPath(f.file, opts.cwd) : 'kvlint');
    c.errors++;
    c.body.push(`      <error${attrs({ message: f.message, type: f.code })}>${escapeXml(`${f.code} ${f.message}`)}</error>`);
  }
  const list = [...cases.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // a test case counts once however many findings it has, as a test with several failed asserts does
  const tests = list.length;
  const failures = list.filter((c) => c.failures > 0 && c.errors === 0).length;
  const errors = list.filter((c) => c.errors > 0).length;
  const totals = { tests, failures, errors, skipped: 0, time: 0 };
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${attrs({ name: 'kvlint', ...totals })}>`];
  out.push(`  <testsuite${attrs({ name: 'kvlint', ...totals })}>`);
  for (const c of list) {
    const open = `    <testcase${attrs({ classname: 'kvlint', name: c.name, file: c.name, time: 0 })}`;
    if (c.body.length === 0) out.push(`${open}/>`);
    else out.push(`${open}>`, ...c.body, '    </testcase>');
  }
  out.push('  </testsuite>', '</testsuites>');
  return `${out.join('\n')}\n`;
}
