import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { PROJECT_URL } from '../../src/formatters/links.js';
import { FINGERPRINT_KEY, formatSarif, pathToUri } from '../../src/formatters/sarif.js';
import { cleanReport, loadReport, OPTS } from './load-report.js';

const require = createRequire(import.meta.url);

/**
 * A validator for the official SARIF 2.1.0 schema. The schema is draft-04 (`id`, not `$id`); ajv 8 reads it
 * as draft-07 once the top-level `id` is renamed, since it uses no keyword whose meaning changed.
 * ajv-formats is not installed, so the three formats it uses are checked by hand.
 */
function sarifValidator() {
  const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  delete schema.$schema;
  schema.$id = schema.id;
  delete schema.id;
  // The schema's language pattern has a stray `]` that only non-unicode regexps accept.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  ajv.addFormat('uri-reference', (s: string) => URL.canParse(s, 'file:///base/') && !/[\s\\]/.test(s));
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  return ajv.compile(schema);
}

const validate = sarifValidator();

// Parsed SARIF is walked freely in assertions; the schema check above is what types it.
type Json = Record<string, any>;

function sarif(report = loadReport(), opts: Partial<typeof OPTS> & Record<string, unknown> = {}): Json {
  return JSON.parse(formatSarif(report, { ...OPTS, ...opts })) as Json;
}

describe('sarif', () => {
  it('is valid against the SARIF 2.1.0 schema, with findings and when clean', () => {
    for (const log of [sarif(), sarif(cleanReport())]) {
      const ok = validate(log);
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('the validator really rejects invalid SARIF', () => {
    const log = sarif();
    log.runs[0].results[0].level = 'fatal';
    expect(validate(log)).toBe(false);
    const log2 = sarif();
    log2.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = 'prompts/support agent.jinja';
    expect(validate(log2)).toBe(false);
  });

  it('describes the tool and the rules that fired, sorted by code, with README help links', () => {
    const run = sarif().runs[0];
    expect(run.tool.driver).toMatchObject({ name: 'kvlint', version: '0.1.0', informationUri: PROJECT_URL });
    expect(run.tool.driver.rules.map((r: Json) => r.id)).toEqual(['KV101', 'KV104', 'KV201', 'KV402']);
    expect(run.tool.driver.rules[0]).toEqual({
      id: 'KV101',
      name: 'no-timestamp-in-prefix',
      shortDescription: { text: 'Keep timestamps and dates out of the cached prefix' },
      helpUri: 'https://github.com/kvlint/kvlint#kv101',
      defaultConfiguration: { level: 'error' },
      properties: { category: 'breaker', tags: ['breaker'] },
    });
    expect(run.tool.driver.rules[3].defaultConfiguration.level).toBe('note');
  });

  it('writes one result per finding with relative URIs, regions and token properties', () => {
    const run = sarif().runs[0];
    expect(run.results).toHaveLength(4);
    const first = run.results[0];
    expect(first).toMatchObject({
      ruleId: 'KV101',
      ruleIndex: 0,
      level: 'error',
      message: { text: "'Today is August 25, 2025' changes every day and precedes 3,912 cacheable tokens" },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'prompts/support%20agent.jinja', uriBaseId: '%SRCROOT%' },
            region: { startLine: 3, startColumn: 18, endLine: 3, endColumn: 42 },
          },
        },
      ],
      properties: { tokenOffset: 42, tokensAtRisk: 3912, approx: true, segment: 'system[0]' },
    });
    expect(run.results.map((r: Json) => [r.ruleId, r.ruleIndex, r.level])).toEqual([
      ['KV101', 0, 'error'],
      ['KV104', 1, 'warning'],
      ['KV402', 3, 'note'],
      ['KV201', 2, 'warning'],
    ]);
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toBe('file:///repo/');
  });

  it('keeps fingerprints stable when lines move, distinct per finding', () => {
    const before = sarif().runs[0].results.map((r: Json) => r.partialFingerprints[FINGERPRINT_KEY]);
    const moved = loadReport();
    for (const f of moved.files) for (const d of f.diagnostics) d.line += 10;
    const after = sarif(moved).runs[0].results.map((r: Json) => r.partialFingerprints[FINGERPRINT_KEY]);
    expect(after).toEqual(before);
    expect(new Set(before).size).toBe(before.length);
    expect(before[0]).toMatch(/^[0-9a-f]{32}:1$/);
    // Evidence changes → a new finding.
    const edited = loadReport();
    edited.files[1]!.diagnostics[2]!.evidence = 'Today is August 26, 2025';
    expect(sarif(edited).runs[0].results[0].partialFingerprints[FINGERPRINT_KEY]).not.toBe(before[0]);
  });

  it('numbers duplicate fingerprints by occurrence', () => {
    const r = loadReport();
    const d = r.files[1]!.diagnostics[2]!;
    r.files[1]!.diagnostics.push({ ...d, line: 30 });
    const prints = sarif(r).runs[0].results.filter((x: Json) => x.ruleId === 'KV101').map((x: Json) => x.partialFingerprints[FINGERPRINT_KEY]);
    expect(prints).toHaveLength(2);
    expect(prints[0].replace(/:1$/, ':2')).toBe(prints[1]);
  });

  it('reports input problems as execution notifications of a successful run', () => {
    const log = sarif();
    const inv = log.runs[0].invocations[0];
    expect(inv.executionSuccessful).toBe(true);
    expect(inv.toolExecutionNotifications).toEqual([
      {
        level: 'warning',
        message: { text: 'invalid UTF-8 at byte 213; save the file as UTF-8' },
        descriptor: { id: 'KVE303' },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'prompts/legacy.txt', uriBaseId: '%SRCROOT%' }, region: { startLine: 4 } } }],
      },
    ]);
  });

  it('marks a failed run and keeps results present', () => {
    const log = sarif(cleanReport(0), { failure: { code: 'KVE201', message: 'rules.KV999: unknown rule', file: 'kvlint.config.yaml', line: 7 } });
    const run = log.runs[0];
    expect(run.results).toEqual([]);
    expect(run.invocations[0].executionSuccessful).toBe(false);
    expect(run.invocations[0].toolConfigurationNotifications[0]).toMatchObject({ level: 'error', descriptor: { id: 'KVE201' } });
    expect(validate(log)).toBe(true);
  });

  it('adds a rule for a finding without metadata so ruleIndex stays valid', () => {
    const r = loadReport();
    r.rules = {};
    const run = sarif(r).runs[0];
    expect(run.tool.driver.rules).toHaveLength(4);
    for (const res of run.results) expect(run.tool.driver.rules[res.ruleIndex].id).toBe(res.ruleId);
    expect(validate(sarif(r))).toBe(true);
  });

  it('drops an end position that precedes the start', () => {
    const r = loadReport();
    const d = r.files[1]!.diagnostics[2]!;
    d.endLine = 3;
    d.endColumn = 5;
    expect(sarif(r).runs[0].results[0].locations[0].physicalLocation.region).toEqual({ startLine: 3, startColumn: 18, endLine: 3 });
  });

  it('percent-encodes path segments', () => {
    expect(pathToUri('a b/c#d%e/<stdin>')).toBe('a%20b/c%23d%25e/%3Cstdin%3E');
    expect(pathToUri('../x.md')).toBe('../x.md');
  });
});
