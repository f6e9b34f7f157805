import { describe, expect, it } from 'vitest';
import { formatJson } from '../../src/formatters/json.js';
import { compareDiagnostics } from '../../src/report.js';
import { loadReport, OPTS } from './load-report.js';

describe('json', () => {
  it('round-trips the report, with files, findings and rules sorted', () => {
    const out = formatJson(loadReport(), OPTS);
    expect(out.endsWith('}\n')).toBe(true);
    expect(out.startsWith('{\n  "version": "0.1.0",\n  "files": [\n')).toBe(true);
    const parsed = JSON.parse(out) as ReturnType<typeof loadReport>;
    const original = loadReport();
    expect(parsed.files.map((f) => f.file)).toEqual(['prompts/support agent.jinja', 'tools/search-tools.json']);
    expect(parsed.files[0]!.diagnostics.map((d) => d.code)).toEqual(['KV101', 'KV104', 'KV402']);
    expect(Object.keys(parsed.rules)).toEqual([
      'no-timestamp-in-prefix',
      'no-trailing-whitespace',
      'no-user-data-in-prefix',
      'require-sorted-tools',
    ]);
    // Nothing lost or added: the same data, only reordered.
    const byFile = (r: typeof original) =>
      r.files
        .map((f) => ({ ...f, diagnostics: [...f.diagnostics].sort(compareDiagnostics) }))
        .sort((a, b) => a.file.localeCompare(b.file));
    expect(byFile(parsed)).toEqual(byFile(original));
    expect(parsed.problems).toEqual(original.problems);
    expect(parsed.rules).toEqual(original.rules);
    expect(parsed.summary).toEqual(original.summary);
  });

  it('is byte-identical whatever order the input came in', () => {
    const a = loadReport();
    const b = loadReport();
    b.files.reverse();
    for (const f of b.files) f.diagnostics.reverse();
    // Same finding, keys inserted in another order.
    const d = b.files[0]!.diagnostics[0]!;
    b.files[0]!.diagnostics[0] = Object.fromEntries(Object.entries(d).reverse()) as typeof d;
    expect(formatJson(b, OPTS)).toBe(formatJson(a, OPTS));
  });

  it('never prints an absolute path and is never coloured', () => {
    const r = loadReport();
    r.files[0]!.file = '/repo/tools/search-tools.json';
    r.files[0]!.diagnostics[0]!.file = '/repo/tools/search-tools.json';
    const out = formatJson(r, { ...OPTS, color: true });
    expect(out).not.toContain('/repo/');
    expect(out).toContain('"file": "tools/search-tools.json"');
    expect(out).not.toMatch(/\x1b\[/);
  });

  it('passes log analysis through', () => {
    const r = loadReport();
    r.logs = { lineages: [{ id: 'session-1', requests: 3 }] };
    expect(JSON.parse(formatJson(r, OPTS)).logs).toEqual({ lineages: [{ id: 'session-1', requests: 3 }] });
  });
});
