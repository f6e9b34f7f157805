// The floor every log workload is compared with: read + split + JSON.parse of the same file, nothing else.
// Prints "<lines> <MB/s> MB/s <rss> MB rss". Manual Buffer split with 1 MiB chunks, as kvlint reads JSONL.
import fs from 'node:fs';
const file = process.argv[2];
let n = 0, pending = [];
const onLine = (s) => { const o = JSON.parse(s); n++; };
const t0 = performance.now();
for await (const c of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
  let s = 0, i;
  while ((i = c.indexOf(10, s)) !== -1) {
    if (pending.length) { pending.push(c.subarray(s, i)); onLine(Buffer.concat(pending).toString('utf8')); pending = []; }
    else if (i > s) onLine(c.toString('utf8', s, i));
    s = i + 1;
  }
  if (s < c.length) pending.push(c.subarray(s));
}
const ms = performance.now() - t0;
console.log(n, (fs.statSync(file).size / 1e6 / (ms / 1000)).toFixed(0), 'MB/s', (process.resourceUsage().maxRSS / 1024).toFixed(0), 'MB rss');
