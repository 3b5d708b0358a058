// Baseline for the CommonJS start-up row: the same tiny app as bare.mjs, as CommonJS.
const work = () => 42;
process.exitCode = work() === 42 ? 0 : 1;
