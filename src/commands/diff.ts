// `kvlint diff <a> <b>`: where two requests stop sharing a prefix, why, and what it costs. Exit 1 when b
// does not reuse all of a (like diff(1): 1 means "they differ"), 0 when b extends or repeats a.
import type { Io } from '../io.js';
import { decideColor, makeChalk } from '../io.js';
import { describeDiff } from '../requests.js';
import { loadTokenizer } from '../tokenize/index.js';
import { loadPrompt } from './load-prompt.js';

export async function runDiff(a: string, b: string, opts: { json?: boolean; model?: string; color?: boolean }, io: Io): Promise<number> {
  const [pa, pb] = await Promise.all([loadPrompt(a, io.cwd), loadPrompt(b, io.cwd)]);
  const tokenizer = await loadTokenizer(opts.model ?? pb.request.model ?? pa.request.model);
  const { tokenizer: encoding, approx, rule, chains, ...d } = describeDiff(pa.request, pb.request, tokenizer);
  const differ = d.segment >= 0;
  if (opts.json) {
    io.stdout.write(`${JSON.stringify({ a: pa.source, b: pb.source, tokenizer: encoding, approx, divergence: d, ...(rule ? { rule } : {}), chains }, null, 2)}\n`);
    return differ ? 1 : 0;
  }
  const c = makeChalk(decideColor({ flag: opts.color, env: io.env, isTTY: io.stdout.isTTY }));
  const ax = tokenizer.approx ? '≈' : '';
  const n = (v: number) => `${ax}${v.toLocaleString('en-US')}`;
  const out = [`a: ${pa.source}`, `b: ${pb.source}`, ''];
  if (!differ) {
    out.push(c.green(`✓ b reuses all of a (${d.cause}): ${n(d.reusableTokens)} tokens cacheable`));
  } else {
    out.push(`${c.bold('first divergence')}  segment ${d.segment} ${c.cyan(d.label)}, character ${d.charOffset.toLocaleString('en-US')}, token ${n(d.tokenOffset)}`);
    out.push(`${c.bold('cause')}             ${d.cause}${rule ? `  → ${rule.code} ${rule.id} (kvlint explain ${rule.code})` : ''}`);
    out.push(`${c.bold('reusable')}          ${n(d.reusableTokens)} tokens of a`);
    out.push(`${c.bold('lost')}              ${c.red(n(d.lostTokens))} tokens of a must be recomputed`);
    if (d.excerpt) out.push(`${c.bold('change')}            ${d.excerpt}`);
  }
  out.push('', c.dim('prefix chain (SHA-256 through each segment)'));
  const rows = Math.max(chains.a.length, chains.b.length);
  for (let i = 0; i < rows; i++) {
    const x = chains.a[i];
    const y = chains.b[i];
    const same = x && y && x.chain === y.chain;
    const mark = same ? ' ' : c.red('≠');
    out.push(`${mark} ${String(i).padStart(3)}  ${(y?.label ?? x?.label ?? '').padEnd(32).slice(0, 32)}  ${(x?.chain ?? '—').slice(0, 16)}  ${(y?.chain ?? '—').slice(0, 16)}`);
  }
  io.stdout.write(`${out.join('\n')}\n`);
  return differ ? 1 : 0;
}
