// Loaded with `node --import` by the benchmark (and the hostile-input tests): reports the process's peak
// RSS when it exits. `--import` also runs in worker threads; only the main thread reports.
import { writeSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  process.on('exit', () => {
    const fd = Number(process.env.KVLINT_BENCH_RSS_FD ?? '');
    const line = `kvlint-bench-rss ${process.resourceUsage().maxRSS}\n`;
    if (fd > 2) writeSync(fd, line);
    else process.stderr.write(line);
  });
}
