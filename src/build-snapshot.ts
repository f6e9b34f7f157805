// `node dist/build-snapshot.js`, run by `npm run build`: validates every built-in rule, the price table and
// the TTFT data from YAML (a broken data file fails the build) and writes dist/snapshot.json for fast start-up, and the
// tokenizer's rank tables as binary files (src/tokenize/rank-file.ts).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultRulesDir, parseRuleFile } from './engine/registry.js';
import { PRICES_PATH, parsePriceTable } from './project/prices.js';
import { contentKey, SNAPSHOT_PATH, type Snapshot } from './snapshot.js';
import { loadTtftData, SHAPES_PATH, TTFT_PATH } from './project/ttft.js';
import { parse } from 'yaml';
import { writeRankFile } from './tokenize/rank-file.js';

const entries: Record<string, unknown> = {};
const dir = defaultRulesDir();
for (const name of readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort()) {
  const file = join(dir, name);
  const text = readFileSync(file, 'utf8');
  entries[contentKey(text)] = parseRuleFile(file, text);
}
const prices = readFileSync(PRICES_PATH, 'utf8');
const table = parsePriceTable(prices, PRICES_PATH);
entries[contentKey(prices)] = { defaults: table.defaults, models: table.models };
// the TTFT calibration and model shapes are snapshotted as parsed; loadTtftData validates them either way
for (const path of [TTFT_PATH, SHAPES_PATH]) {
  const text = readFileSync(path, 'utf8');
  entries[contentKey(text)] = parse(text, { maxAliasCount: 0 }) as unknown;
}
loadTtftData(); // a broken calibration file fails the build
const snap: Snapshot = { version: 1, entries };
if (SNAPSHOT_PATH === undefined) throw new Error('build-snapshot runs from dist/');
writeFileSync(SNAPSHOT_PATH, `${JSON.stringify(snap)}\n`);
process.stdout.write(`kvlint: wrote ${Object.keys(entries).length} snapshot entries to dist/snapshot.json\n`);
for (const encoding of ['o200k_base', 'cl100k_base'] as const) await writeRankFile(encoding);
process.stdout.write('kvlint: wrote the rank tables of o200k_base and cl100k_base to dist/tokenize/\n');
