// Preloaded with `node --require` into a measured process: on exit, writes
// its peak resident memory (from the OS's own accounting) to $BENCH_RSS_FILE.
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
