// Baseline: the same one-second command (or BENCH_WORK_MS) without optel.
await new Promise((resolve) => setTimeout(resolve, Number(process.env.BENCH_WORK_MS ?? 1000)));
