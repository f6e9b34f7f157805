// Config reaches log findings as it reaches templates: a rule turned off reports nothing, a severity
// override applies, and overrides.files pick the log by path.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kvlint } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kvlint-logcfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const body = (model: string, messages: string[]) => ({ model, max_tokens: 64, system: 'You are a careful analyst of quarterly reports.', messages: messages.map((content, i) => ({ role: i % 2 ? 'assistant' : 'user', content })) });
const log = [
  { session_id: 's1', request: body('claude-sonnet-4-6', ['Summarize Q1']) },
  { session_id: 's1', request: body('claude-opus-4-6', ['Summarize Q1', 'Revenue grew.', 'And Q2?']) },
]
  .map((r) => JSON.stringify(r))
  .join('\n');
writeFileSync(path.join(dir, 'session.jsonl'), `${log}\n`);

describe('config applies to log findings', () => {
  it('without config, a model change in a session is KV109', () => {
    const r = kvlint(['session.jsonl', '-f', 'json'], { cwd: dir });
    expect(r.stdout).toContain('"code": "KV109"');
  });
  it('rules: {no-model-change: off} removes it; a severity override changes it', () => {
    writeFileSync(path.join(dir, 'kvlint.config.yaml'), 'rules:\n  no-model-change: off\n');
    const off = kvlint(['session.jsonl', '-f', 'json'], { cwd: dir });
    expect(off.stdout).not.toContain('"code": "KV109"'); // neither a finding nor a code on the timeline
    expect(off.stdout).toContain('"cause": "model-change"'); // the change is still shown
    expect(off.code).toBe(0);
    writeFileSync(path.join(dir, 'kvlint.config.yaml'), 'rules:\n  KV109: warning\n');
    const r = kvlint(['session.jsonl', '-f', 'json'], { cwd: dir });
    const d = (JSON.parse(r.stdout) as { files: { diagnostics: { code: string; severity: string }[] }[] }).files[0]!.diagnostics.find((x) => x.code === 'KV109');
    expect(d?.severity).toBe('warning');
    writeFileSync(path.join(dir, 'kvlint.config.yaml'), 'overrides:\n  - files: ["*.jsonl"]\n    rules:\n      no-model-change: off\n');
    expect(kvlint(['session.jsonl', '-f', 'json'], { cwd: dir }).stdout).not.toContain('"code": "KV109"');
    rmSync(path.join(dir, 'kvlint.config.yaml'));
  });
});
