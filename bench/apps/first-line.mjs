// When does the app's own code start? Prints the time from the process's
// start (performance's time origin) to the first line of `main`, in ms, as
// JSON. Run with telemetry on (a stored yes and a live collector) and off
// (DO_NOT_TRACK=1): the difference is what optel makes the app wait.
import { createTelemetry } from 'optel';

const telemetry = createTelemetry({
  app: { name: 'bench', version: '1.0.0' },
  endpoint: process.env.BENCH_ENDPOINT ?? 'https://telemetry.invalid',
  attributes: { 'cli.command': 'clear' },
});
let firstLineMs = 0;
await telemetry.run(() => {
  firstLineMs = globalThis.performance.now();
  return 0;
});
process.stdout.write(JSON.stringify({ firstLineMs }));
