// Loaded with `node --import` by the benchmark: reports the child's peak RSS when it exits.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const fd = Number(process.env.KVLINT_BENCH_RSS_FD ?? '');
  const line = `kvlint-bench-rss ${process.resourceUsage().maxRSS}\n`;
  if (fd > 2) writeSync(fd, line);
  else process.stderr.write(line);
});
