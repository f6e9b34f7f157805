import { Chalk } from 'chalk';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderTimeline } from '../../src/formatters/timeline.js';
import { analyzeLogs } from '../../src/logs/analyze.js';
import { loadTokenizer } from '../../src/tokenize/index.js';

describe('renderTimeline', () => {
  it('prints one table per lineage with ≈ for stand-in counts and the divergence cause', async () => {
    const abs = resolve(__dirname, '../../fixtures/logs/claude-code.jsonl');
    const a = await analyzeLogs([{ abs, rel: 'fixtures/logs/claude-code.jsonl' }], { tokenizer: await loadTokenizer() });
    const text = renderTimeline(a, new Chalk({ level: 0 }));
    expect(text).toContain('lineage s1 (session, anthropic, 2026-01-01)');
    expect(text).toMatch(/#2\s+10:00:22\s+≈10,603\s+≈8,000\s+≈2,540\s+tool-set-change KV107 at prefix not in the log/);
    expect(text).toContain('cache read fell from 10540 to 8000 tokens');
    expect(text).toContain('3 requests');
    expect(text).not.toMatch(/\u001b\[/);
  });
});
