// The real binary on Python, TypeScript and JavaScript files: findings at the source line, exit codes,
// machine formats, stdin, explain, syntax errors and directory walks that include code.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kvlint, repoRoot } from '../helpers/cli.js';

describe('kvlint on source code', () => {
  it('reports a breaker in a Python system prompt at its line and column, and exits 1', () => {
    const r = kvlint(['fixtures/source/anthropic-bad.py', '--no-progress']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/fixtures\/source\/anthropic-bad\.py\n\s+11:25\s+error\s+'\{datetime\.now\(\):%A %d %B %Y\}' renders the current date or time and precedes ≈\d+ cacheable tokens \(also no-volatile-before-stable\)\s+KV102/);
  });

  it('exits 0 on the clean twin in every language', () => {
    const r = kvlint(['fixtures/source/anthropic-good.py', 'fixtures/source/anthropic-good.ts', 'fixtures/source/vercel-ai-good.ts', '--no-progress']);
    expect(r.stdout).toContain('3 files checked, no problems');
    expect(r.code).toBe(0);
  });

  it('writes GitHub annotations and SARIF results at the source position', () => {
    const gh = kvlint(['fixtures/source/openai-chat-bad.ts', '--format', 'github']);
    expect(gh.stdout).toContain('::error file=fixtures/source/openai-chat-bad.ts,line=8,col=61');
    const sarif = JSON.parse(kvlint(['fixtures/source/openai-chat-bad.ts', '--format', 'sarif']).stdout);
    const loc = sarif.runs[0].results[0].locations[0].physicalLocation;
    expect(loc.artifactLocation.uri).toBe('fixtures/source/openai-chat-bad.ts');
    expect(loc.region.startLine).toBe(8);
  });

  it('reads source from stdin named by --stdin-filename', () => {
    const r = kvlint(['-', '--stdin-filename', 'agent.ts', '--format', 'json'], { input: readFileSync(path.join(repoRoot, 'fixtures/source/gemini-bad.ts')) });
    const report = JSON.parse(r.stdout);
    expect(report.files[0].kind).toBe('source');
    expect(report.files[0].diagnostics.map((d: { code: string; line: number }) => `${d.line} ${d.code}`)).toContain('11 KV102');
  });

  it('reports a syntax error as one KVE306 line and checks the other files', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kvlint-cli-src-'));
    writeFileSync(path.join(dir, 'broken.ts'), "import OpenAI from 'openai';\nconst x = {;\n");
    writeFileSync(path.join(dir, 'agent.py'), readFileSync(path.join(repoRoot, 'fixtures/source/anthropic-bad.py')));
    const r = kvlint(['.', '--no-progress'], { cwd: dir });
    expect(r.stdout.match(/KVE306/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/broken\.ts:2\s+KVE306\s+broken\.ts:2:\d+: syntax error in TypeScript/);
    expect(r.stdout).toContain('KV102');
    expect(r.code).toBe(1);
  });

  it("finds nothing in kvlint's own source tree", () => {
    const r = kvlint(['src', '--no-progress']);
    expect(r.stdout).toMatch(/✓ \d+ files checked, no problems/);
    expect(r.code).toBe(0);
  });

  it('honours a language comment directive and config overrides', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kvlint-cli-src-'));
    const bad = readFileSync(path.join(repoRoot, 'fixtures/source/anthropic-bad.py'), 'utf8');
    writeFileSync(path.join(dir, 'agent.py'), bad.replace('    system = f"Today', '    # kvlint-disable-next-line KV102 -- the weekday sets the tone\n    system = f"Today'));
    // the clock ahead of static text is one finding (KV102, KV106 folded in): one directive suppresses it
    const r = kvlint(['agent.py', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(r.stdout).files[0].diagnostics.map((d: { code: string }) => d.code)).toEqual([]);
    writeFileSync(path.join(dir, 'agent.py'), bad);
    writeFileSync(path.join(dir, 'kvlint.config.yaml'), 'rules:\n  no-clock-placeholder: off\n');
    const kv106 = kvlint(['agent.py', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(kv106.stdout).files[0].diagnostics.map((d: { code: string }) => d.code)).toEqual(['KV106']);
    writeFileSync(path.join(dir, 'kvlint.config.yaml'), 'rules:\n  no-clock-placeholder: off\n  no-volatile-before-stable: off\n');
    const off = kvlint(['agent.py', '--no-progress'], { cwd: dir });
    expect(off.code).toBe(0);
  });

  it('explain shows a code example for rules that apply to source, and none for the others', () => {
    const r = kvlint(['explain', 'KV104']);
    expect(r.stdout).toContain('In code, bad');
    expect(r.stdout).toContain('SystemMessage(content=f"You are talking to {user.email}');
    expect(kvlint(['explain', 'KV401']).stdout).not.toContain('In code');
  });

  it('hash and diff take the requests a source file builds (file.py#N)', () => {
    const h = kvlint(['hash', 'fixtures/source/anthropic-bad.py']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/^fixtures\/source\/anthropic-bad\.py#0 \(anthropic-messages, line 12\): 2 segments/);
    const d = kvlint(['diff', 'fixtures/source/anthropic-bad.py', 'fixtures/source/anthropic-good.py']);
    expect(d.stdout).toMatch(/first divergence\s+segment 0 system/);
    const none = kvlint(['hash', 'fixtures/source/anthropic-bad.py#3']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no request #3: the file builds 1');
  });
});
