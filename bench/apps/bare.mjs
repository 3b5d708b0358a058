// Baseline: the same tiny app without optel.
const work = () => 42;
process.exitCode = work() === 42 ? 0 : 1;
