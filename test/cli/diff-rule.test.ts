// `kvlint diff` classifies a change with the rules' own patterns, as the log analysis does, and names the
// rule: two request bodies that differ only in a timestamp are KV101, not a bare system edit.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kvlint } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kvlint-diff-rule-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kvlint diff', () => {
  it('names the rule behind the cause', () => {
    const body = (t: string) => ({ model: 'claude-sonnet-4-5', max_tokens: 10, system: `You are X. Time: 2025-08-25T10:0${t}:00Z. Cite the policy you used.`, messages: [{ role: 'user', content: 'hi' }] });
    writeFileSync(path.join(dir, 'a.json'), JSON.stringify(body('0')));
    writeFileSync(path.join(dir, 'b.json'), JSON.stringify(body('5')));
    const text = kvlint(['diff', 'a.json', 'b.json'], { cwd: dir });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/cause {13}timestamp +→ KV101 no-timestamp-in-prefix/);
    const json = kvlint(['diff', 'a.json', 'b.json', '--json'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toMatchObject({ divergence: { cause: 'timestamp', code: 'KV101' }, rule: { id: 'no-timestamp-in-prefix' } });
  });
});
