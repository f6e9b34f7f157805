// Property and fuzz tests over every parser and normalizer (fast-check, fixed seeds, bounded runs so CI
// stays fast): arbitrary bytes, arbitrary JSON, and mutated real corpus records. The invariant is the
// same everywhere: nothing throws out of a parser except the documented KvlintError, and a bad record
// becomes a reported, skipped record. Prefix-diff invariants live in test/prefix/diff.test.ts; this
// file adds the log-reader ones (ingest whole file = the records the adapters see, whatever the chunking).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KvlintError } from '../../src/errors.js';
import { parseConfig } from '../../src/config/load.js';
import { sourceFromBuffer, isInputProblem } from '../../src/ingest/read.js';
import { findExcessDepth, valueDepthExceeds } from '../../src/limits.js';
import { bodyRecord, parsePairsDocument } from '../../src/logs/formats/bodies.js';
import { createClaudeCodeAdapter } from '../../src/logs/formats/claude-code.js';
import { bfclRecord, mtbenchRecord, sharegptRecord } from '../../src/logs/formats/conversations.js';
import { parseHar } from '../../src/logs/formats/har.js';
import { observabilityRecord } from '../../src/logs/formats/observability.js';
import { parseSpans } from '../../src/logs/formats/spans.js';
import { parseVcrJson, parseVcrYaml } from '../../src/logs/formats/vcr.js';
import { detectLogFormat, ingestLog } from '../../src/logs/ingest.js';
import { splitLines } from '../../src/logs/read.js';
import { recordFormat, sniffLog } from '../../src/logs/sniff.js';
import { parsePrompt, sniffPrompt } from '../../src/normalize/prompt/index.js';
import { PROMPT_FORMATS } from '../../src/normalize/prompt/types.js';
import { excerpt, redact } from '../../src/redact.js';
import { makeSourceFile } from '../../src/source.js';
import { parseDirectives } from '../../src/suppress/directives.js';
import { corpus, hasCorpus } from '../helpers/cli.js';

const RUNS = { seed: 0x6b766c, numRuns: 150 };
const NAMES = ['p.txt', 'p.md', 'p.j2', 'p.hbs', 'p.mustache', 'p.prompt', 'p.prompty', 'p.json', 'p.jsonl', 'p.yaml', 'p.snap', 'noext'];

/** A parse either succeeds or throws a KvlintError with a code; anything else is a bug. */
function parsesOrReports(file: string, text: string): void {
  try {
    const doc = parsePrompt(makeSourceFile(file, text));
    expect(Array.isArray(doc.segments)).toBe(true);
  } catch (e) {
    if (!(e instanceof KvlintError)) throw e;
    expect(e.code).toMatch(/^KVE3\d\d$/);
  }
}

/** JSON-ish text: structurally valid JSON mixed with request-shaped fragments, so parsers get past sniffing. */
const requestish = fc.record({
  model: fc.oneof(fc.constant('gpt-4o'), fc.string()),
  system: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 3 })),
  messages: fc.array(fc.record({ role: fc.constantFrom('user', 'assistant', 'system', 'tool', 'x'), content: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 3 })) }), { maxLength: 4 }),
  tools: fc.oneof(fc.constant(undefined), fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 3 })),
}, { requiredKeys: [] });

describe('prompt parsers never throw anything but a KvlintError', () => {
  it('arbitrary strings under every file name', () => {
    fc.assert(fc.property(fc.constantFrom(...NAMES), fc.string({ maxLength: 300 }), (name, text) => parsesOrReports(name, text)), RUNS);
  });
  it('arbitrary JSON values and request-shaped objects', () => {
    fc.assert(
      fc.property(fc.constantFrom('p.json', 'p.yaml', 'p.jsonl', 'noext'), fc.oneof(fc.jsonValue({ maxDepth: 5 }), requestish), (name, v) => {
        const text = JSON.stringify(v) ?? 'null';
        parsesOrReports(name, text);
      }),
      RUNS,
    );
  });
  it('every format forced onto arbitrary text', () => {
    fc.assert(fc.property(fc.constantFrom(...PROMPT_FORMATS), fc.string({ maxLength: 200 }), (fmt, text) => {
      try {
        parsePrompt(makeSourceFile('x', text), fmt);
      } catch (e) {
        if (!(e instanceof KvlintError)) throw e;
      }
    }), RUNS);
  });
  it('arbitrary bytes through the reader: a SourceFile or an InputProblem, never a throw', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), fc.constantFrom(...NAMES), (bytes, name) => {
      const r = sourceFromBuffer(Buffer.from(bytes), name);
      if (!isInputProblem(r)) {
        expect(typeof sniffPrompt(name, r.text) === 'string' || sniffPrompt(name, r.text) === undefined).toBe(true);
        parsesOrReports(name, r.text);
      } else expect(r.code).toMatch(/^KVE30[2-7]$/);
    }), RUNS);
  });
  it('inline directives parse from any text in every syntax', () => {
    const syntaxes = ['jinja', 'handlebars', 'markdown', 'yaml', 'text', 'mustache', 'dotprompt'] as const;
    fc.assert(fc.property(fc.constantFrom(...syntaxes), fc.string({ maxLength: 200 }), (syn, text) => {
      const withDirective = `{# kvlint-disable-next-line ${text} #}\n<!-- kvlint-disable ${text} -->\n# kvlint-enable\n${text}`;
      for (const t of [text, withDirective]) expect(Array.isArray(parseDirectives(t, syn as never))).toBe(true);
    }), RUNS);
  });
});

describe('config parsing', () => {
  it('arbitrary text and JSON: a config or a KVE201 naming the file', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? '')), fc.constantFrom('kvlint.config.yaml', '.kvlintrc.json'), (text, file) => {
      try {
        parseConfig(text, file);
      } catch (e) {
        if (!(e instanceof KvlintError)) throw e;
        expect(e.code).toBe('KVE201');
        expect(e.message.startsWith(file)).toBe(true);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }), RUNS);
  });
});

describe('log adapters turn any record into a request, a skip or a reported bad record', () => {
  const kinds = new Set(['request', 'skip', 'bad']);
  const check = (outs: Array<{ kind: string }>): void => {
    for (const o of outs) expect(kinds.has(o.kind)).toBe(true);
  };
  it('per-record adapters on arbitrary JSON', () => {
    fc.assert(fc.property(fc.oneof(fc.jsonValue({ maxDepth: 5 }), requestish, fc.record({ request: requestish, response: fc.jsonValue({ maxDepth: 3 }) })), (v) => {
      recordFormat(v);
      check([bodyRecord(v, 'f', 1, 'request-jsonl')]);
      check(sharegptRecord(v, 'f', 1, 0));
      check(mtbenchRecord(v, 'f', 1));
      check(bfclRecord(v, 'f', 1));
      check(observabilityRecord(v, 'f', 1));
      const cc = createClaudeCodeAdapter('f');
      check([...cc.record(v, 1), ...cc.end()]);
    }), RUNS);
  });
  it('whole-document adapters and sniffing on arbitrary text', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v) ?? ''), fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ interactions: [v], log: { entries: [v] } }))), (text) => {
      sniffLog('f.jsonl', text);
      sniffLog('f.json', Buffer.from(text));
      for (const parse of [parseVcrJson, parseVcrYaml, parseHar, parseSpans, parsePairsDocument]) check(parse(text, 'f'));
    }), RUNS);
  });
  it('redaction never throws and is idempotent', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (t) => {
      const once = redact(t);
      expect(redact(once)).toBe(once);
      expect(excerpt(once).length).toBeLessThanOrEqual(80);
    }), RUNS);
  });
});

describe('depth guards agree with the data', () => {
  it('findExcessDepth on JSON text agrees with the depth of the parsed value', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 1, max: 8 }), (v, max) => {
      const text = JSON.stringify(v);
      return (findExcessDepth(text, max) !== undefined) === valueDepthExceeds(v, max);
    }), { seed: 11, numRuns: 300 });
  });
});

describe('streamed log files (arbitrary bytes on disk)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kvlint-prop-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('detect and ingest any bytes without throwing; every line is a request, a skip or a bad record', async () => {
    const lineArb = fc.oneof(
      requestish.map((r) => JSON.stringify(r)),
      fc.string({ maxLength: 60 }),
      fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('latin1')),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(lineArb, { minLength: 1, maxLength: 8 }), fc.boolean(), async (lines, cut) => {
        const file = path.join(dir, `f${n++}.jsonl`);
        const text = lines.join('\n') + (cut ? '' : '\n');
        writeFileSync(file, Buffer.from(text, 'latin1'));
        const format = await detectLogFormat(file, 'f.jsonl');
        if (!format) return;
        let outs = 0;
        try {
          for await (const o of ingestLog(file, 'f.jsonl', format, { maxLineBytes: 64 })) {
            expect(['request', 'skip', 'bad']).toContain(o.kind);
            outs++;
          }
        } catch (e) {
          if (!(e instanceof KvlintError)) throw e;
        }
        expect(outs).toBeGreaterThanOrEqual(0);
      }),
      { seed: 5, numRuns: 80 },
    );
  });

  it('splitLines gives the same lines for any chunking and any line limit split', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ maxLength: 30 }), { minLength: 1, maxLength: 10 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 40 }), async (ls, size, limit) => {
        const bytes = Buffer.from(ls.join('\n'));
        const chunks: Buffer[] = [];
        for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
        const whole: Array<[number, string, number | undefined]> = [];
        for await (const r of splitLines(Readable.from([bytes]), { maxLineBytes: limit })) whole.push([r.line, r.text, r.overLong]);
        const streamed: Array<[number, string, number | undefined]> = [];
        for await (const r of splitLines(Readable.from(chunks), { maxLineBytes: limit })) streamed.push([r.line, r.text, r.overLong]);
        expect(streamed).toEqual(whole);
        for (const [, text, over] of whole) {
          if (over !== undefined) expect(over).toBeGreaterThan(limit);
          else expect(Buffer.byteLength(text)).toBeLessThanOrEqual(limit);
        }
      }),
      { seed: 9, numRuns: 120 },
    );
  });
});

describe('mutated real corpus records', () => {
  const files = hasCorpus
    ? readdirSync(corpus, { recursive: true, encoding: 'utf8' })
        .map((f) => path.join(corpus, f))
        .filter((f) => statSync(f).isFile() && statSync(f).size < 2_000_000 && /\.(jsonl?|ya?ml|txt|md|j2|prompt|prompty)$/.test(f))
        .sort()
    : [];
  it.skipIf(!hasCorpus)('byte flips, cuts and splices of corpus files never crash a parser', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kvlint-mut-'));
    try {
      let k = 0;
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...files), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(), fc.boolean(), async (file, flips, cutAt, cut) => {
          let bytes = Buffer.from(readFileSync(file));
          for (const [at, b] of flips) if (bytes.length) bytes[at % bytes.length] = b;
          if (cut && bytes.length) bytes = bytes.subarray(0, cutAt % bytes.length);
          const name = path.basename(file);
          const r = sourceFromBuffer(bytes, name);
          if (!isInputProblem(r)) parsesOrReports(name, r.text);
          const tmp = path.join(dir, `${k++}-${name}`);
          writeFileSync(tmp, bytes);
          const format = await detectLogFormat(tmp, name).catch(() => undefined);
          if (format) {
            try {
              for await (const o of ingestLog(tmp, name, format)) expect(['request', 'skip', 'bad']).toContain(o.kind);
            } catch (e) {
              if (!(e instanceof KvlintError)) throw e;
            }
          }
          rmSync(tmp);
        }),
        { seed: 3, numRuns: 60 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
  it('the corpus guard is honest', () => {
    expect(hasCorpus).toBe(existsSync(corpus));
  });
});
