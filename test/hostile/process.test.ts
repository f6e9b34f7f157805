// Clean process behaviour: a closed pipe ends quietly, Ctrl-C stops a long log run promptly, output is
// byte-identical across runs and checkouts, and planted secrets appear in no output format.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, cpSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kvlint, repoRoot } from '../helpers/cli.js';

const bin = path.join(repoRoot, 'bin', 'kvlint.js');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kvlint-process-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('process behaviour', () => {
  it('kvlint … | head -1 ends quietly: no stack, no EPIPE message, status not a crash', () => {
    const r = spawnSync('bash', ['-c', `set -o pipefail; node ${JSON.stringify(bin)} fixtures/demo | head -1; echo "status=$?" >&2`], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toMatch(/^status=[01]\n$/);
  });

  it('Ctrl-C during a long log run stops within about a second, without a stack', async () => {
    const log = path.join(dir, 'long.jsonl');
    const fd = openSync(log, 'w');
    for (let i = 0; i < 40_000; i++) {
      writeSync(fd, `${JSON.stringify({ model: 'gpt-4o', user: `u${i % 50}`, messages: [{ role: 'system', content: `policy ${i % 7} ${'lorem ipsum '.repeat(40)}` }, { role: 'user', content: `question ${i}` }] })}\n`);
    }
    closeSync(fd);
    const child = spawn(process.execPath, [bin, log, '--no-progress'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise((r) => setTimeout(r, 1200)); // well into the run
    const sent = Date.now();
    child.kill('SIGINT');
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (c, s) => resolve({ code: c, signal: s })),
    );
    expect(Date.now() - sent).toBeLessThan(5000); // promptly, with room for a loaded CI machine
    // killed by SIGINT (a shell reports 130) or exited with 130 itself
    expect(signal === 'SIGINT' || code === 130).toBe(true);
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 30_000);

  it('output is byte-identical across runs and across checkout locations (POSIX relative paths, no clocks)', () => {
    const a = path.join(dir, 'checkout-a', 'proj');
    const b = path.join(dir, 'elsewhere', 'deeper', 'proj');
    for (const root of [a, b]) {
      mkdirSync(root, { recursive: true });
      cpSync(path.join(repoRoot, 'fixtures/demo'), path.join(root, 'demo'), { recursive: true });
      cpSync(path.join(repoRoot, 'test/hostile/corpus'), path.join(root, 'hostile'), { recursive: true });
    }
    for (const format of ['stylish', 'json', 'sarif', 'github']) {
      const r1 = kvlint(['demo', 'hostile', '-f', format], { cwd: a });
      const r2 = kvlint(['demo', 'hostile', '-f', format], { cwd: a });
      const r3 = kvlint(['demo', 'hostile', '-f', format], { cwd: b });
      expect(r1.stdout.length).toBeGreaterThan(100);
      expect(r2.stdout).toBe(r1.stdout);
      // SARIF's originalUriBaseIds.%SRCROOT% is the checkout's absolute file:// URI by design (viewers
      // resolve the relative result paths against it); everything else must match byte for byte.
      const unrooted = (s: string) => (format === 'sarif' ? s.replace(/"uri": "file:\/\/[^"]*\/"/g, '"uri": "<root>"') : s);
      expect(unrooted(r3.stdout)).toBe(unrooted(r1.stdout));
      expect(unrooted(r1.stdout)).not.toContain(dir);
      expect(r1.stdout).not.toMatch(/(?:demo|hostile)\\/); // POSIX separators only
    }
  }, 60_000);
});

// Each kind of secret the issue names, planted in a template, a request log and a cassette's headers.
const SECRETS: Record<string, string> = {
  openai: 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z',
  anthropic: 'sk-ant-api03-Zy9xWv8uTs7rQp6oNm5lKj4iHg3fEd2c',
  google: 'AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q',
  aws: 'AKIAIOSFODNN7EXAMPLQ',
  bearer: 'eyZabcdefghij0123456789klmnop',
  email: 'dana.fischer@example.org',
  phone: '+1 415-555-0134',
};

describe('planted secrets appear in no output format', () => {
  let sdir: string;
  beforeAll(() => {
    sdir = path.join(dir, 'secrets');
    mkdirSync(sdir);
    const S = SECRETS;
    const body = `You are a support agent. Today is 2025-08-07T09:14:03Z. Contact ${S.email} or call ${S.phone}. Keys: ${S.openai} ${S.anthropic} ${S.google} ${S.aws} Authorization: Bearer ${S.bearer}\n`;
    writeFileSync(path.join(sdir, 'system.txt'), `${body}More static text here.\n`);
    writeFileSync(path.join(sdir, 'prompt.j2'), `{# a comment #}\nSystem: ${body}{{ question }}\n`);
    const req = (extra: string) =>
      JSON.stringify({ model: 'gpt-4o', user: S.email, messages: [{ role: 'system', content: `Static prefix. ${extra} ${body}` }, { role: 'user', content: `hello ${S.email}` }] });
    writeFileSync(path.join(sdir, 'log.jsonl'), `${req('a')}\n${req(`b ${S.openai} ${S.phone}`)}\n`);
    writeFileSync(
      path.join(sdir, 'cassette.yaml'),
      `interactions:\n- request:\n    body: ${JSON.stringify(JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: `hi ${S.email}` }] }))}\n    headers:\n      authorization: ["Bearer ${S.bearer}"]\n      x-api-key: ["${S.anthropic}"]\n      x-goog-api-key: ["${S.google}"]\n    method: POST\n    uri: https://api.openai.com/v1/chat/completions\n  response:\n    body: {string: "{}"}\n    status: {code: 200, message: OK}\nversion: 1\n`,
    );
  });

  const outputs = (): Record<string, string> => {
    const out: Record<string, string> = {};
    const inputs = ['system.txt', 'prompt.j2', 'log.jsonl', 'cassette.yaml'];
    for (const f of ['stylish', 'json', 'sarif', 'github', 'html', 'gitlab', 'junit', 'unix']) {
      const r = kvlint([...inputs, '-f', f], { cwd: sdir });
      out[f] = r.stdout + r.stderr;
    }
    for (const [name, args] of [
      ['hash', ['hash', 'system.txt']],
      ['hash --json', ['hash', 'system.txt', '--json']],
      ['diff', ['diff', 'log.jsonl#0', 'log.jsonl#1']],
      ['diff --json', ['diff', 'log.jsonl#0', 'log.jsonl#1', '--json']],
      ['diff templates', ['diff', 'system.txt', 'prompt.j2']],
    ] as const) {
      const r = kvlint([...args], { cwd: sdir });
      out[name] = r.stdout + r.stderr;
    }
    return out;
  };

  it('redacted by default everywhere, and the findings are still there', () => {
    const out = outputs();
    for (const [name, text] of Object.entries(out)) {
      for (const [kind, secret] of Object.entries(SECRETS)) expect(text.includes(secret), `${kind} leaked in ${name}`).toBe(false);
    }
    expect(out.stylish).toMatch(/\[REDACTED:openai-key\]/);
    expect(out.stylish).toMatch(/KV101/);
    expect(out.diff).toMatch(/\[REDACTED:openai-key\]/);
  });

  it('--no-redact shows them (local debugging), so the test above can fail', () => {
    const r = kvlint(['system.txt', 'log.jsonl', '--no-redact'], { cwd: sdir });
    expect(r.stdout).toContain(SECRETS.openai);
  });
});
