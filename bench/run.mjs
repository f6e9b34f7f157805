#!/usr/bin/env node
// npm run bench: generates its inputs, runs each workload in fresh processes, and prints wall time,
// throughput and peak RSS next to a floor measured in the same run. A script, never a timed test:
// numbers depend on the machine, so they are printed for people, not asserted.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { statSync, existsSync } from 'node:fs';
import { generateAgentLog, generatePeerLog, generateUniqueLog, generateUsersLog } from './gen-agent-log.mjs';
import { generateSourceRepo } from './gen-source-repo.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'bench', 'out');
const bin = join(root, 'bin', 'kvlint.js');
const hook = join(root, 'bench', 'rss-hook.mjs');
const runs = Number(process.env.BENCH_RUNS ?? 7);

/** Runs a node command `runs` times after one warm-up; returns median wall ms and max peak RSS (MiB). */
function measure(args, { cwd = root, n = runs } = {}) {
  const times = [];
  let rss = 0;
  for (let i = 0; i <= n; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ['--import', hook, ...args], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' },
      maxBuffer: 1 << 28,
    });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0 && r.status !== 1) {
      throw new Error(`benchmark command failed (exit ${r.status}): node ${args.join(' ')}\n${r.stderr}`);
    }
    const m = /kvlint-bench-rss (\d+)/.exec(r.stderr);
    if (m) rss = Math.max(rss, Number(m[1]) / 1024);
    if (i > 0) times.push(ms); // the first run warms the page cache
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], min: times[0], max: times[times.length - 1], rss };
}

/** Ten realistic templates: system prompts with tools, volatile values and template syntax. */
function makeTemplates(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const para =
    'You are a careful assistant for an engineering team. Follow the repository conventions, prefer small ' +
    'changes, explain trade-offs briefly and cite the files you read. Never invent APIs.\n';
  const files = [];
  for (let i = 0; i < 10; i++) {
    const body = para.repeat(20 + i * 4);
    let name;
    let text;
    switch (i % 5) {
      case 0:
        name = `agent-${i}.j2`;
        text = `{# system prompt ${i} #}\n${body}Today's date is {{ now }}.\nWorking directory: {{ cwd }}\n`;
        break;
      case 1:
        name = `assistant-${i}.prompt`;
        text = `---\nmodel: googleai/gemini-2.5-flash\n---\n{{role "system"}}\n${body}User: {{userName}}\n{{role "user"}}\n{{question}}\n`;
        break;
      case 2:
        name = `tools-${i}.json`;
        text = JSON.stringify(
          Array.from({ length: 12 }, (_, k) => ({
            name: `tool_${(k * 7) % 12}`,
            description: para,
            input_schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
          })),
          null,
          2,
        );
        break;
      case 3:
        name = `system-${i}.txt`;
        text = `${body.replace(/\n/g, '\r\n')}The current date is August 25, 2025.\r\n`;
        break;
      default:
        name = `chat-${i}.prompty`;
        text = `---\nname: chat\nmodel:\n  api: chat\n---\nsystem:\n${body}\nuser:\n{{question}}\n`;
    }
    writeFileSync(join(dir, name), text);
    files.push(join(dir, name));
  }
  return files;
}

function fmt(n, d = 0) {
  return n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

const rows = [];
const floor = measure(['-e', '0']);
rows.push(['node -e 0 (floor: process start)', floor, '', '']);

const version = measure([bin, '--version']);
rows.push(['kvlint --version (cold)', version, 'target < 100 ms', `${fmt(version.ms / floor.ms, 1)}× floor`]);

const help = measure([bin, '--help']);
rows.push(['kvlint --help (cold)', help, 'target < 100 ms', `${fmt(help.ms / floor.ms, 1)}× floor`]);

const tdir = join(out, 'templates');
const files = makeTemplates(tdir);
const tmpl = measure([bin, '--format', 'json', '--no-color', ...files]);
rows.push(['lint 10 templates (cold, pre-commit case)', tmpl, 'target < 300 ms', `${fmt(tmpl.ms / floor.ms, 1)}× floor`]);

const demo = measure([bin, '--format', 'json', 'fixtures/demo']);
rows.push(['lint fixtures/demo (cold)', demo, '', `${fmt(demo.ms / floor.ms, 1)}× floor`]);

// Source code: a repository of Python and TypeScript modules (BENCH_SOURCE_FILES files of about
// BENCH_SOURCE_MB in all; 0 skips), 8% calling an LLM SDK, a quarter of those with a breaker.
const sourceFiles = Number(process.env.BENCH_SOURCE_FILES ?? 5000);
let sourceRepo;
if (sourceFiles > 0) {
  const sdir = join(out, 'source-repo');
  sourceRepo = generateSourceRepo(sdir, { files: sourceFiles, totalMb: Number(process.env.BENCH_SOURCE_MB ?? 50) });
  const src = measure([bin, '--format', 'json', '-o', join(out, 'source-report.json'), sdir], { n: Math.min(runs, 3) });
  rows.push([`lint ${fmt(sourceFiles)} source files (${fmt(sourceRepo.bytes / 1e6, 0)} MB)`, src, 'target < 10 s', `${fmt(sourceRepo.bytes / 1e6 / (src.ms / 1000), 1)} MB/s`]);
}

/**
 * One log workload: kvlint on `file` (extra `args`), next to the read+split+parse floor of the same file
 * measured in the same run. `requests`: the count when known, else read from the json report.
 */
function logWorkload(name, file, args, { n, report, requests }) {
  const parse = measure([join(root, 'bench', 'floor.mjs'), file], { n });
  const lint = measure([bin, ...args, '--format', 'json', '-o', report, file], { n });
  const count = requests ?? Number(/"requests":\s*(\d+)/.exec(readFileSync(report, 'utf8'))?.[1] ?? 0);
  return { name, mb: statSync(file).size / 1e6, parse, lint, requests: count };
}

// Request logs: an agent-style log (large system prompt and tools resent on every request, a growing
// conversation, a few real breakers) at three sizes.
const sizes = (process.env.BENCH_LOG_MB ?? '100,300,1000').split(',').map(Number).filter((n) => n > 0);
const logRows = [];
for (const mb of sizes) {
  const file = join(out, `agent-${mb}.jsonl`);
  if (!existsSync(file) || Math.abs(statSync(file).size - mb * 1e6) > mb * 1e4) await generateAgentLog(file, mb * 1e6);
  logRows.push(logWorkload(`agent ${fmt(mb)} MB`, file, [], { n: mb >= 1000 ? 2 : 3, report: join(out, `agent-${mb}.report.json`) }));
}

// A log of unique text (no two messages alike): tokenizer-bound, the case the worker pool is for. Compared
// with the single-core tokenizer rate on the same texts, measured in the same run.
const uniqueMb = Number(process.env.BENCH_UNIQUE_MB ?? 200);
let uniqueRow;
if (uniqueMb > 0) {
  const file = join(out, `unique-${uniqueMb}.jsonl`);
  if (!existsSync(file) || Math.abs(statSync(file).size - uniqueMb * 1e6) > uniqueMb * 1e4) await generateUniqueLog(file, uniqueMb * 1e6);
  const tok = spawnSync(process.execPath, [join(root, 'bench', 'tokenize-floor.mjs'), file], { encoding: 'utf8' });
  const [textMb, tokRate] = tok.stdout.trim().split(/\s+/).map(Number);
  uniqueRow = { ...logWorkload(`unique ${fmt(uniqueMb)} MB`, file, [], { n: 2, report: join(out, `unique-${uniqueMb}.report.json`) }), textMb, tokRate };
}

// Breaker-heavy: the agent log with a per-request timestamp at the top of the ~20k-token system prompt in
// every 7th session — most requests of those sessions diverge at the first characters, and each divergence
// is found, classified and priced. BENCH_BREAKERS_MB=0 skips it.
let breakerRow;
const breakersMb = Number(process.env.BENCH_BREAKERS_MB ?? 100);
if (breakersMb > 0) {
  const file = join(out, `breakers-${breakersMb}.jsonl`);
  if (!existsSync(file) || Math.abs(statSync(file).size - breakersMb * 1e6) > breakersMb * 1e4) await generateAgentLog(file, breakersMb * 1e6, { stampEvery: 7 });
  breakerRow = logWorkload(`breakers ${fmt(breakersMb)} MB`, file, [], { n: 2, report: join(out, `breakers-${breakersMb}.report.json`) });
}

// The peer workload: 10,000 requests of ~2,000 tokens replayed through the vLLM cache model, end to end.
let peerRow;
if (process.env.BENCH_PEER !== '0') {
  const file = join(out, 'peer.jsonl');
  if (!existsSync(file)) await generatePeerLog(file, 10_000);
  const report = join(out, 'peer.report.json');
  peerRow = logWorkload('peer (vLLM replay)', file, ['--engine', 'vllm', '--price', 'input=0.1'], { n: 3, report });
  peerRow.tokens = JSON.parse(readFileSync(report, 'utf8')).logs.summary.tokens;
}

// Many small requests: memory grows with the number of requests (each keeps a timeline entry and a
// projection record for the report), so the same peer-shaped log at two sizes shows what each further
// thousand requests costs in time and memory. BENCH_MANY=0 skips it.
const manyRows = [];
for (const count of (process.env.BENCH_MANY ?? '30000,100000').split(',').map(Number).filter((n) => n > 0)) {
  const file = join(out, `many-${count}.jsonl`);
  if (!existsSync(file)) await generatePeerLog(file, count);
  manyRows.push({ count, ...logWorkload(`many ${fmt(count / 1000)}k requests`, file, ['--price', 'input=0.1'], { n: 1, report: join(out, `many-${count}.report.json`), requests: count }) });
}

// A stateless multi-user app: one-request sessions, every request a different user, read across users
// from the one shared cache. Two sizes give what each further 1,000 requests costs. BENCH_USERS=0 skips it.
const userRows = [];
for (const count of (process.env.BENCH_USERS ?? '30000,100000').split(',').map(Number).filter((n) => n > 0)) {
  const file = join(out, `users-${count}.jsonl`);
  if (!existsSync(file)) await generateUsersLog(file, count);
  userRows.push({ count, ...logWorkload(`users ${fmt(count / 1000)}k one-request sessions`, file, [], { n: 1, report: join(out, `users-${count}.report.json`), requests: count }) });
}

const w = [44, 12, 18, 12, 16, 12];
const line = (cells) => cells.map((c, i) => String(c).padEnd(w[i] ?? 10)).join(' ');
console.log(`kvlint benchmark — node ${process.version}, median of repeated cold runs after a warm-up (min–max)\n`);
console.log(line(['workload', 'wall ms', 'range ms', 'peak RSS', 'target', 'vs floor']));
for (const [name, m, target, ratio] of rows) {
  console.log(line([name, fmt(m.ms, 1), `${fmt(m.min, 0)}–${fmt(m.max, 0)}`, `${fmt(m.rss, 0)} MiB`, target, ratio]));
}
const logTable = [...logRows, ...(breakerRow ? [breakerRow] : []), ...(uniqueRow ? [uniqueRow] : []), ...(peerRow ? [peerRow] : []), ...manyRows, ...userRows];
if (logTable.length) {
  console.log('\nrequest logs, each next to the read + split + JSON.parse floor of the same file (bench/floor.mjs) measured in this run');
  console.log('  agent: every request resends a ~20k-token system prompt and tools, breakers in some sessions; unique: no two');
  console.log('  messages alike; peer: 10,000 requests of ~2,000 tokens through the vLLM cache model; many: the peer shape, priced');
  const w2 = [22, 10, 10, 10, 10, 10, 12, 10, 12, 10];
  const l2 = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(w2[i]) : String(c).padStart(w2[i] ?? 10))).join(' ');
  console.log(l2(['workload', 'input MB', 'requests', 'wall s', 'MB/s', 'req/s', 'peak RSS', 's per GB', 'floor MB/s', 'vs floor']));
  for (const r of logTable) {
    const s = r.lint.ms / 1000;
    const floorRate = r.mb / (r.parse.ms / 1000);
    const rate = r.mb / s;
    console.log(l2([r.name, fmt(r.mb, 0), fmt(r.requests), fmt(s, 2), fmt(rate, 0), fmt(r.requests / s, 0), `${fmt(r.lint.rss, 0)} MiB`, fmt(s / (r.mb / 1000), 2), fmt(floorRate, 0), `${fmt((rate / floorRate) * 100, 0)}%`]));
  }
}
if (logRows.length) {
  // Seconds per GB includes a fixed start-up (process, worker, tokenizer tables, report) that weighs most
  // on the smallest log; the time each further GB adds shows whether the cost per byte grows with size.
  if (logRows.length > 1) {
    const steps = [];
    for (let i = 1; i < logRows.length; i++) {
      const a = logRows[i - 1];
      const b = logRows[i];
      steps.push(`${fmt(a.mb, 0)}→${fmt(b.mb, 0)} MB: ${fmt((b.lint.ms - a.lint.ms) / 1000 / ((b.mb - a.mb) / 1000), 2)} s`);
    }
    const first = logRows[0];
    const last = logRows[logRows.length - 1];
    const slope = (last.lint.ms - first.lint.ms) / (last.mb - first.mb); // ms per MB
    console.log(`\nagent log: seconds each further GB adds: ${steps.join(', ')}; fixed start-up ≈ ${fmt((first.lint.ms - slope * first.mb) / 1000, 2)} s`);
  }
  console.log('  targets: peak RSS < 300 MiB at 1 GB; ≥ 50% of the floor; seconds per GB flat (±20%) from 100 MB to 1 GB');
}
if (peerRow) {
  console.log(`\npeer workload: ${fmt(peerRow.requests)} requests, ${fmt(peerRow.tokens)} tokens through the vLLM model in ${fmt(peerRow.lint.ms / 1000, 2)} s (target < 3 s), peak RSS ${fmt(peerRow.lint.rss, 0)} MiB`);
}
if (manyRows.length > 1) {
  const a = manyRows[0];
  const b = manyRows[manyRows.length - 1];
  console.log(`\nmany small requests: memory grows with the number of requests; each further 1,000 requests: ${fmt((b.lint.rss - a.lint.rss) / ((b.count - a.count) / 1000), 2)} MiB of peak RSS, ${fmt((b.lint.ms - a.lint.ms) / ((b.count - a.count) / 1000), 0)} ms`);
}
if (breakerRow) {
  const rate = breakerRow.mb / (breakerRow.lint.ms / 1000);
  const floorRate = breakerRow.mb / (breakerRow.parse.ms / 1000);
  console.log(`\nbreaker-heavy log: ${fmt((rate / floorRate) * 100, 0)}% of its read + parse floor (target ≥ 40%)`);
}
if (userRows.length > 1) {
  const a = userRows[0];
  const b = userRows[userRows.length - 1];
  console.log(`\none-request sessions: each further 1,000 requests: ${fmt((b.lint.rss - a.lint.rss) / ((b.count - a.count) / 1000), 2)} MiB of peak RSS (target ≤ 1 MiB), ${fmt((b.lint.ms - a.lint.ms) / ((b.count - a.count) / 1000), 0)} ms`);
}
if (uniqueRow) {
  const s = uniqueRow.lint.ms / 1000;
  const textRate = uniqueRow.textMb / s;
  console.log(`\nunique log: message text ${fmt(uniqueRow.textMb, 1)} MB tokenized at ${fmt(textRate, 2)} MB/s; single-core tokenizer on the same text: ${fmt(uniqueRow.tokRate, 2)} MB/s → ${fmt(textRate / uniqueRow.tokRate, 2)}× (target ≥ 1.5×, using both cores)`);
}
