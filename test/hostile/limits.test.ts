// Unit tests of the limits and the guards behind them: depth scanning, line splitting past the limit,
// the file-count limit, glob errors and link loops, prototype keys, and the regex backtracking check.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, findExcessDepth, resolveLimits, valueDepthExceeds } from '../../src/limits.js';
import { splitLines } from '../../src/logs/read.js';
import { discover } from '../../src/ingest/discover.js';
import { unsafeRegexReason, checkConfigRegexes } from '../../src/config/regex-safety.js';
import { parseConfig } from '../../src/config/load.js';
import { loadRules } from '../../src/engine/registry.js';
import { makeSourceFile } from '../../src/source.js';
import { parsePrompt } from '../../src/normalize/prompt/index.js';
import { parseVcrYaml } from '../../src/logs/formats/vcr.js';
import { aliasExpansion, aliasProblem, yaml } from '../../src/yaml.js';
import { parseYaml } from '../../src/normalize/prompt/yaml-source.js';
import { repoRoot } from '../helpers/cli.js';

describe('findExcessDepth', () => {
  it('finds the line where nesting passes the limit, ignoring brackets in strings and comments', () => {
    expect(findExcessDepth('[[[]]]', 3)).toBeUndefined();
    expect(findExcessDepth('[[[[]]]]', 3)).toEqual({ line: 1, depth: 4 });
    expect(findExcessDepth('{"a": "[[[[[[", "b": 1}', 2)).toBeUndefined();
    expect(findExcessDepth('a: 1 # [[[[[[\nb: 2\n', 2)).toBeUndefined();
    expect(findExcessDepth("k: don't [[\n", 1)).toEqual({ line: 1, depth: 2 });
    expect(findExcessDepth('x:\n  - - - - y\n', 3)).toEqual({ line: 2, depth: 4 });
  });
  it('is linear: a million brackets take seconds at most (quadratic would take minutes)', () => {
    const t0 = Date.now();
    expect(findExcessDepth('['.repeat(1_000_000), 1_000_000)).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(3000);
  });
  it('valueDepthExceeds walks without recursion', () => {
    let v: unknown = 1;
    for (let i = 0; i < 100_000; i++) v = [v];
    expect(valueDepthExceeds(v, 1000)).toBe(true);
    expect(valueDepthExceeds({ a: [1, { b: 2 }] }, 3)).toBe(false);
    expect(valueDepthExceeds({ a: [1, { b: [] }] }, 3)).toBe(true);
  });
  it('resolveLimits keeps defaults for what is not given', () => {
    expect(resolveLimits({ maxDepth: 5 })).toEqual({ ...DEFAULT_LIMITS, maxDepth: 5 });
  });
});

describe('splitLines with a line limit', () => {
  it('delivers an over-long line as a counted, empty record and keeps the lines around it', async () => {
    const chunks = [Buffer.from('ok1\nxxxx'), Buffer.from('xxxxxx'), Buffer.from('xx\nok2\n'), Buffer.from('yyyyyyyyyyyyyyyy')];
    const got = [];
    for await (const r of splitLines(Readable.from(chunks), { maxLineBytes: 8 })) got.push(r);
    expect(got).toEqual([
      { line: 1, text: 'ok1', terminated: true },
      { line: 2, text: '', terminated: true, overLong: 12 },
      { line: 3, text: 'ok2', terminated: true },
      { line: 4, text: '', terminated: false, overLong: 16 },
    ]);
  });
  it('flags invalid UTF-8 per line, not a real U+FFFD', async () => {
    const got = [];
    for await (const r of splitLines(Readable.from([Buffer.from('a\ufffdb\n'), Buffer.from([0x61, 0xff, 0x0a])]))) got.push(r);
    expect(got[0]!.invalidUtf8).toBeUndefined();
    expect(got[1]!.invalidUtf8).toBe(2);
  });
});

describe('discover: file count, unreadable directories and link loops', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kvlint-discover-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a glob matching 100,000 files is reported over the default limit, not silently truncated', async () => {
    const many = path.join(dir, 'many');
    mkdirSync(many);
    for (let i = 0; i < 100_000; i++) writeFileSync(path.join(many, `p${String(i).padStart(6, '0')}.txt`), '');
    const t0 = Date.now();
    const r = await discover(['many/*.txt'], { cwd: dir });
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(r.files).toHaveLength(DEFAULT_LIMITS.maxFiles);
    expect(r.files.at(-1)!.rel).toBe('many/p009999.txt');
    expect(r.problems).toEqual([
      {
        code: 'KVE304',
        file: 'many/*.txt',
        message:
          '100,000 input files found, over the 10,000-file limit (--max-files): checked the first 10,000 in path order, skipped 90,000 (the last checked is many/p009999.txt)',
      },
    ]);
    const small = await discover(['many'], { cwd: dir, maxFiles: 3 });
    expect(small.files.map((f) => f.rel)).toEqual(['many/p000000.txt', 'many/p000001.txt', 'many/p000002.txt']);
    rmSync(many, { recursive: true, force: true });
  }, 60_000);

  it('an unreadable directory met by a glob is reported (fast-glob would hide it)', async () => {
    mkdirSync(path.join(dir, 'g/locked'), { recursive: true });
    writeFileSync(path.join(dir, 'g/a.txt'), 'hello');
    writeFileSync(path.join(dir, 'g/locked/b.txt'), 'hello');
    // Tests run as root in CI, where chmod 000 does not stop readdir: inject the failure instead.
    const readdir = ((p: string, ...rest: unknown[]) => {
      const cb = rest[rest.length - 1] as (e: NodeJS.ErrnoException | null, v?: unknown) => void;
      if (p.endsWith(`${path.sep}locked`)) {
        const e: NodeJS.ErrnoException = new Error('EACCES: permission denied');
        e.code = 'EACCES';
        cb(e);
        return;
      }
      (fs.readdir as (...a: unknown[]) => void)(p, ...rest);
    }) as unknown as typeof fs.readdir;
    const r = await discover(['g/**/*.txt'], { cwd: dir, readdir });
    expect(r.files.map((f) => f.rel)).toEqual(['g/a.txt']);
    expect(r.problems).toEqual([{ code: 'KVE301', file: 'g/locked', message: 'cannot read directory g/locked: permission denied; the glob g/**/*.txt skipped it' }]);
  });

  it('symbolic link loops are reported, in walks and globs, and never followed', async () => {
    mkdirSync(path.join(dir, 'l/sub'), { recursive: true });
    writeFileSync(path.join(dir, 'l/a.txt'), 'hello');
    symlinkSync('..', path.join(dir, 'l/sub/up'));
    symlinkSync('self', path.join(dir, 'l/self'));
    for (const pattern of ['l', 'l/**']) {
      const r = await discover([pattern], { cwd: dir });
      expect(r.files.map((f) => f.rel)).toEqual(['l/a.txt']);
      expect(r.problems.map((p) => [p.file, p.message])).toEqual([
        ['l/self', 'symbolic link loop at l/self; not followed'],
        ['l/sub/up', 'symbolic link loop at l/sub/up (points back to a parent directory); not followed'],
      ]);
    }
  });
});

describe('__proto__, constructor and prototype keys never reach a prototype', () => {
  const evil = '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"system":"You are helpful.","messages":[{"role":"user","content":"hi","__proto__":{"polluted":"yes"}}]}';
  const clean = (): void => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as unknown as Record<string, unknown>).polluted).toBeUndefined();
  };
  it('in JSON and YAML templates', () => {
    for (const [name, text] of [
      ['evil.json', evil],
      ['evil.yaml', readFileSync(path.join(repoRoot, 'test/hostile/corpus/proto-keys.yaml'), 'utf8')],
    ] as const) {
      const doc = parsePrompt(makeSourceFile(name, text));
      expect(doc.segments.length).toBeGreaterThan(0);
      clean();
    }
  });
  it('in a cassette', () => {
    const out = parseVcrYaml(
      `interactions:\n- request:\n    __proto__: {polluted: "yes"}\n    body: '${evil.replace(/'/g, "''")}'\n    method: POST\n    uri: https://api.anthropic.com/v1/messages\nversion: 1\n`,
      'c.yaml',
    );
    expect(out.length).toBe(1);
    clean();
  });
  it('in a config', () => {
    const c = parseConfig('rules:\n  __proto__: off\n  KV101: [error, { __proto__: { polluted: "yes" } }]\n', 'kvlint.config.yaml');
    expect(Object.getPrototypeOf(c.rules)).toBe(Array.prototype);
    clean();
    expect(() => parseConfig('{"__proto__": {"polluted": "yes"}, "rules": {}}', '.kvlintrc.json')).not.toThrow(TypeError);
    clean();
  });
});

describe('user regular expressions are checked for catastrophic backtracking', () => {
  it.each([
    ['(a+)+$', /nested quantifiers/],
    ['(\\w+\\s?)+$', /nested quantifiers/],
    ['(?<n>a*)*', /nested quantifiers/],
    ['(?:x+y?){2,}', /nested quantifiers/],
    ['(a|ab)*c', /overlapping alternatives/],
    ['(\\w|\\d)+', /overlapping alternatives/],
    ['(.|\\s)*', /overlapping alternatives/],
  ])('refuses %s', (src, why) => {
    expect(unsafeRegexReason(src)).toMatch(why);
  });
  it.each(['^\\d+$', '(a+){2}', '(?:foo|bar)+', '[a-z]+(?:-[a-z]+)*', '(?:\\s|\\w)+', '\\b(?:today|now)\\b', '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*'])(
    'accepts %s',
    (src) => {
      expect(unsafeRegexReason(src)).toBeUndefined();
    },
  );
  it('a config with such a pattern is refused with KVE201 naming file and line', () => {
    const config = { ...parseConfig('extends: recommended\nrules:\n  KV402: off\n  KV101: [error, { excludeBefore: ["ok", "(a+)+$"] }]\n', 'kvlint.config.yaml') };
    expect(() => checkConfigRegexes(config, loadRules())).toThrow(
      /^kvlint\.config\.yaml:4: rules\.KV101: option 'excludeBefore' pattern \/\(a\+\)\+\$\/ can backtrack catastrophically: nested quantifiers/,
    );
    const fine = parseConfig('rules:\n  KV101: [error, { excludeBefore: ["\\\\bexample:"] }]\n', 'kvlint.config.yaml');
    expect(() => checkConfigRegexes(fine, loadRules())).not.toThrow();
  });
});

describe('YAML aliases are bounded by the size they add, not by their number', () => {
  const billionLaughs = (levels: number) => {
    const out = ['l0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i <= levels; i++) out.push(`l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(', ')}]`);
    return `${out.join('\n')}\nsystem: hi\n`;
  };

  it('measures a document without expanding it', () => {
    const doc = yaml().parseDocument('a: &a [1, 2, 3]\nb: *a\nc: [*a, *a]\n');
    const e = aliasExpansion(doc);
    expect(e.added).toBe(3 * 3); // each of three aliases stands for a 4-node sequence, counted once already
    expect(e.own).toBeGreaterThan(0);
  });

  it('refuses billion laughs in milliseconds, wherever YAML is read', () => {
    const text = billionLaughs(12); // 10^13 nodes when expanded
    const t0 = performance.now();
    const p = aliasProblem(yaml().parseDocument(text));
    expect(performance.now() - t0).toBeLessThan(200);
    expect(p?.message).toMatch(/refusing a possible alias bomb/);
    expect(() => parseYaml(makeSourceFile('request.yaml', text))).toThrow(/alias bomb/);
    expect(() => parseConfig(text.replace('system: hi', 'model: x'), 'kvlint.config.yaml')).toThrow(/alias bomb/);
    const records = parseVcrYaml(`interactions:\n  - ${text.split('\n').join('\n    ')}`, 'c.yaml');
    expect(records[0]).toMatchObject({ kind: 'bad', message: expect.stringMatching(/alias bomb/) });
  });

  it('refuses an alias inside its own anchor', () => {
    expect(aliasProblem(yaml().parseDocument('a: &a [1, *a]\n'))?.message).toMatch(/refers to the node it is inside/);
  });

  it('loads a real-shaped thread export with 150 aliases (an OpenAI Responses request)', () => {
    const text = readFileSync(path.join(repoRoot, 'fixtures/inputs/amp-thread-many-aliases.yaml'), 'utf8');
    expect((text.match(/\*(?:header|path)\b/g) ?? []).length).toBe(150);
    const doc = parsePrompt(makeSourceFile('fixtures/inputs/amp-thread-many-aliases.yaml', text));
    expect(doc.segments.filter((s) => s.level === 'tools')).toHaveLength(11);
  });

  it('loads an Anthropic request whose repeated turns are 120 aliases, every turn expanded', () => {
    const turns = Array.from({ length: 120 }, (_, i) => `  - {role: user, content: 'step ${i}'}\n  - *ack`).join('\n');
    const text = `model: claude-sonnet-4-5\nsystem: You are a careful coding agent.\nmessages:\n  - &ack {role: assistant, content: Done; continuing.}\n${turns}\n`;
    const doc = parsePrompt(makeSourceFile('thread.yaml', text));
    expect(doc.segments.filter((s) => s.text === 'Done; continuing.')).toHaveLength(121);
  });

  it('keeps the size bound: a large reuse within the ratio loads, past the ceiling it does not', () => {
    const reuse = (n: number) => `base: &b {${Array.from({ length: 50 }, (_, i) => `k${i}: v`).join(', ')}}\nitems: [${Array(n).fill('*b').join(', ')}]\n`;
    expect(aliasProblem(yaml().parseDocument(reuse(100)))).toBeUndefined(); // adds ≈10,000 nodes
    expect(aliasProblem(yaml().parseDocument(reuse(100)), { aliasExpansionRatio: 10, aliasExpansionFloor: 0, aliasExpansionCeiling: 1000 })?.message).toMatch(/over the 1,000 allowed/);
  });
});

describe('docs/limits.md lists every limit', () => {
  it('with its flag and the default src/limits.ts applies', () => {
    const section = readFileSync(path.join(repoRoot, 'docs', 'limits.md'), 'utf8');
    const mib = (n: number) => `${n / (1024 * 1024)} MiB`;
    expect(section).toContain(`| ${mib(DEFAULT_LIMITS.maxFileBytes)} | \`--max-file-size\``);
    expect(section).toContain(`| ${mib(DEFAULT_LIMITS.maxLineBytes)} | \`--max-line-size\``);
    expect(section).toContain(`| ${DEFAULT_LIMITS.maxDepth.toLocaleString('en-US')} levels | \`--max-depth\``);
    expect(section).toContain(`| ${DEFAULT_LIMITS.maxFiles.toLocaleString('en-US')} | \`--max-files\``);
    expect(section).toContain(`${mib(DEFAULT_LIMITS.maxDocumentBytes)} |`);
    expect(section).toContain(`${DEFAULT_LIMITS.aliasExpansionRatio}× the document's own nodes`);
    expect(section).toContain(`at least ${DEFAULT_LIMITS.aliasExpansionFloor.toLocaleString('en-US')}`);
    expect(section).toContain(`at most ${DEFAULT_LIMITS.aliasExpansionCeiling.toLocaleString('en-US')}`);
  });
});
