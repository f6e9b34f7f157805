// The single-core tokenizer rate on a log's message texts (o200k, merge cache off, each text once):
// what the unique-log workload is compared with. Prints "<MB of text> <MB/s>".
import fs from 'node:fs';
import { countTokens, setMergeCacheSize } from 'gpt-tokenizer/encoding/o200k_base';

setMergeCacheSize(0);
const texts = [];
for (const line of fs.readFileSync(process.argv[2], 'utf8').split('\n')) {
  if (!line) continue;
  for (const m of JSON.parse(line).messages ?? []) if (typeof m.content === 'string') texts.push(m.content);
}
const t0 = performance.now();
let n = 0;
for (const t of texts) n += countTokens(t);
const s = (performance.now() - t0) / 1000;
const mb = texts.reduce((a, t) => a + Buffer.byteLength(t), 0) / 1e6;
console.log(mb.toFixed(1), (mb / s).toFixed(2), n);
