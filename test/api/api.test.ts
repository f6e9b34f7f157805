// The library API: each call's options and state are its own. Two calls with different options, run
// one after the other or at once, give what each gives alone; and the API agrees with the CLI.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeLogs, diffRequests, formatReport, hashRequest, lintFiles, lintText, exitCode, KvlintError, type Report } from '../../src/index.js';

const root = path.resolve(__dirname, '../..');
/** A report as plain data (its log parts build items when read). */
const plain = (r: Report): unknown => JSON.parse(JSON.stringify(r));

/** A system prompt that names a user and a time: what differs between the two is a breaker. */
const body = (email: string, time: string) => ({
  model: 'claude-sonnet-4-5',
  max_tokens: 64,
  metadata: { user_id: email },
  // cached through the system prompt: what differs in it costs the tokens after it
  system: [{ type: 'text', text: `You are the support agent of Northwind. It is ${time}. The customer is ${email}.\n${'Policies: answer briefly and cite the policy. '.repeat(150)}`, cache_control: { type: 'ephemeral' } }],
  messages: [{ role: 'user', content: 'Where is my order?' }],
});
const requests = [body('alice@example.com', '2026-01-05T10:00:00Z'), body('alice@example.com', '2026-01-05T10:01:00Z'), body('bob@example.com', '2026-01-05T10:02:00Z')];

const TEMPLATE = `You are the assistant of Northwind (contact ops@example.com).\nToday is {{ today }}, you help {{ user.email }}.\n${'Always cite the policy you used. '.repeat(60)}\n`;

describe('library API', () => {
  it('lintText reports what the CLI reports for the same text', async () => {
    const text = readFileSync(path.join(root, 'fixtures/demo/support-agent.j2'), 'utf8');
    const viaText = await lintText(text, { filePath: 'fixtures/demo/support-agent.j2', cwd: root });
    const viaFile = await lintFiles('fixtures/demo/support-agent.j2', { cwd: root });
    expect(viaText.files[0]!.diagnostics.length).toBeGreaterThan(0);
    expect(plain(viaText)).toEqual(plain(viaFile));
    expect(exitCode(viaText)).toBe(1);
  });

  it('two calls with different options (redaction, model) give what each gives alone, in turn and at once', async () => {
    const a = () => analyzeLogs(requests, { redact: true, model: 'claude-sonnet-4-6' });
    const b = () => analyzeLogs(requests, { redact: false, model: 'gpt-4o' });
    const c = () => lintText(TEMPLATE, { filePath: 'prompt.j2', model: 'gpt-4o' });
    const d = () => lintText(TEMPLATE, { filePath: 'prompt.j2', model: 'claude-sonnet-4-6', redact: false });
    const alone = [plain(await a()), plain(await b()), plain(await c()), plain(await d())];
    // the options matter: otherwise this test could not tell runs apart
    expect(alone[0]).not.toEqual(alone[1]);
    expect(alone[2]).not.toEqual(alone[3]);
    expect(JSON.stringify(alone[0])).toContain('[REDACTED:email]');
    expect(JSON.stringify(alone[0])).not.toContain('alice@example.com');
    expect(JSON.stringify(alone[1])).toContain('alice@example.com');
    const together = await Promise.all([a(), b(), c(), d()]);
    expect(together.map(plain)).toEqual(alone);
    const interleaved = [plain(await b()), plain(await a()), plain(await d()), plain(await c())];
    expect(interleaved).toEqual([alone[1], alone[0], alone[3], alone[2]]);
  });

  it('analyzeLogs reads requests in memory as it reads the same lines from a file', async () => {
    const fromMemory = await analyzeLogs(
      (async function* () {
        for (const r of requests) yield r;
      })(),
      { name: 'support.jsonl' },
    );
    expect(fromMemory.files.map((f) => f.file)).toEqual(['support.jsonl']);
    expect(fromMemory.summary.errors).toBeGreaterThan(0);
    const fixture = await analyzeLogs('fixtures/logs/anthropic-bodies.jsonl', { cwd: root });
    expect(fixture.files[0]!.kind).toBe('log');
    await expect(analyzeLogs([42])).rejects.toThrow(KvlintError);
    await expect(analyzeLogs(requests, { name: '../x.jsonl' })).rejects.toThrow(/plain file name/);
  });

  it("analyzeLogs of requests in memory uses the caller's config, as it would for a log file in that folder", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kvlint-api-config-'));
    try {
      writeFileSync(path.join(dir, 'kvlint.config.yaml'), 'model: claude-sonnet-4-6\n');
      const withConfig = plain(await analyzeLogs(requests, { cwd: dir }));
      writeFileSync(path.join(dir, 'requests.jsonl'), `${requests.map((r) => JSON.stringify(r)).join('\n')}\n`);
      expect(withConfig).toEqual(plain(await analyzeLogs('requests.jsonl', { cwd: dir })));
      expect(withConfig).not.toEqual(plain(await analyzeLogs(requests, { cwd: root })));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('diffRequests finds the divergence and redacts its excerpt unless asked not to', async () => {
    const d = await diffRequests(requests[0], requests[1]);
    expect(d.cause).toBe('timestamp');
    expect(d.code).toBe('KV101');
    expect(d.rule?.id).toBe('no-timestamp-in-prefix');
    expect(d.lostTokens).toBeGreaterThan(100);
    expect(d.excerpt).toContain('[REDACTED:email]');
    expect(d.excerpt).not.toContain('alice@example.com');
    expect((await diffRequests(requests[0], requests[1], { redact: false })).excerpt).toContain('alice@example.com');
    const same = await diffRequests(requests[0], requests[0]);
    expect(same.segment).toBe(-1);
  });

  it('hashRequest gives the chain kvlint hash prints, and rejects what is not a request', async () => {
    const h = await hashRequest(requests[0]);
    expect(h.segments.map((s) => s.level)).toEqual(['tools', 'system', 'messages']);
    expect(h.segments[1]!.chain).toMatch(/^[0-9a-f]{64}$/);
    expect((await hashRequest(requests[1])).segments[0]!.chain).toBe(h.segments[0]!.chain);
    expect((await hashRequest(requests[1])).segments[1]!.chain).not.toBe(h.segments[1]!.chain);
    await expect(hashRequest({ hello: 'world' })).rejects.toThrow(/not a request body of a known API/);
  });

  it('formatReport renders every format, and redacts the HTML report only when asked to', async () => {
    const report = await analyzeLogs(requests, { redact: false });
    const json = JSON.parse(formatReport(report, 'json')) as { summary: unknown };
    expect(json.summary).toEqual(report.summary);
    expect(formatReport(report, 'sarif')).toContain('"version": "2.1.0"');
    expect(formatReport(report, 'stylish')).toContain('requests.jsonl');
    expect(formatReport(report, 'html')).not.toContain('alice@example.com');
    expect(formatReport(report, 'html', { redact: false })).toContain('alice@example.com');
    expect(() => formatReport(report, 'nope' as 'json')).toThrow(/unknown format/);
  });
});

describe('module structure', () => {
  it('no module imports cli.ts at run time (VERSION lives in src/version.ts): no import cycle with the commands', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const n of readdirSync(dir)) {
        const p = path.join(dir, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (n.endsWith('.ts')) files.push(p);
      }
    };
    walk(path.join(root, 'src'));
    const offenders = files.filter((f) => /^import (?!type )[^;]*from '(\.\.?\/)+cli\.js'/m.test(readFileSync(f, 'utf8')) || /import\('(\.\.?\/)+cli\.js'\)/.test(readFileSync(f, 'utf8')));
    expect(offenders.map((f) => path.relative(root, f))).toEqual([]);
  });
});
