// `kvlint hash <file>`: the SHA-256 of each segment and the chained prefix hashes, so a user can log the
// same chain per request in production and see which segment changed. Works on a template, a tool file,
// a single request body, or the Nth request of a log (`log.jsonl#3`).
import type { Io } from '../io.js';
import { hashRows } from '../requests.js';
import { loadTokenizer } from '../tokenize/index.js';
import { loadPrompt } from './load-prompt.js';

export async function runHash(spec: string, opts: { json?: boolean; model?: string }, io: Io): Promise<number> {
  const { request, source } = await loadPrompt(spec, io.cwd);
  const loaded = { segments: request.segments, source };
  const tokenizer = await loadTokenizer(opts.model ?? request.model);
  const rows = hashRows(request, tokenizer);
  const tokens = rows.at(-1)?.prefixTokens ?? 0;
  if (opts.json) {
    io.stdout.write(`${JSON.stringify({ source: loaded.source, tokenizer: tokenizer.encoding, approx: tokenizer.approx, segments: rows }, null, 2)}\n`);
    return 0;
  }
  const approx = tokenizer.approx ? '≈' : '';
  const out = [`${loaded.source}: ${rows.length} segment${rows.length === 1 ? '' : 's'}, ${approx}${tokens.toLocaleString('en-US')} tokens (${tokenizer.encoding})`, ''];
  const labelWidth = Math.min(40, Math.max(7, ...rows.map((r) => r.label.length)));
  out.push(`${'#'.padStart(3)}  ${'segment'.padEnd(labelWidth)}  ${'tokens'.padStart(8)}  ${'prefix'.padStart(8)}  sha256 (segment)  chain (prefix through it)`);
  for (const r of rows) {
    const label = r.label.length > labelWidth ? `${r.label.slice(0, labelWidth - 1)}…` : r.label;
    out.push(
      `${String(r.index).padStart(3)}  ${label.padEnd(labelWidth)}  ${(approx + r.tokens.toLocaleString('en-US')).padStart(8)}  ${(approx + r.prefixTokens.toLocaleString('en-US')).padStart(8)}  ${r.sha256.slice(0, 16)}  ${r.chain}`,
    );
  }
  out.push('', 'Log the chain value per request: the first segment whose chain differs from the previous request is where the cache broke.');
  io.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
