// optel.mjs as a CommonJS app: require('optel') takes the package's CommonJS build.
const { createTelemetry } = require('optel');

const telemetry = createTelemetry({
  app: { name: 'bench', version: '1.0.0' },
  endpoint: process.env.BENCH_ENDPOINT ?? 'https://telemetry.invalid',
  attributes: { 'cli.command': 'clear' },
});
void telemetry.run(() => telemetry.command('work', { 'cli.command': 'work' }, () => 42).then((v) => (v === 42 ? 0 : 1)));
