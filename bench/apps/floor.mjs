// The floor: what sending one record can cost at the least. The same tiny
// app, plus one OTLP/JSON POST of a started+completed pair with `node:http`,
// waiting for the answer; no consent, no scrubbing, no files.
import { request } from 'node:http';

const work = () => 42;
const now = `${Date.now()}000000`;
const span = (name, lifecycle) => ({
  traceId: '5b8efff798038103d269b633813fc60c',
  spanId: lifecycle === 'started' ? 'eee19b7ec3c1b174' : 'eee19b7ec3c1b173',
  name,
  kind: 1,
  startTimeUnixNano: now,
  endTimeUnixNano: now,
  attributes: [
    { key: 'cli.command', value: { stringValue: name } },
    { key: 'optel.lifecycle', value: { stringValue: lifecycle } },
  ],
  status: {},
});
const body = JSON.stringify({
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench' } }] },
      scopeSpans: [{ scope: { name: 'bench' }, spans: [span('work', 'started'), span('work', 'completed')] }],
    },
  ],
});
process.exitCode = work() === 42 ? 0 : 1;
const req = request(`${process.env.BENCH_ENDPOINT}/v1/traces`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
});
req.on('response', (res) => res.resume());
req.on('error', () => undefined);
req.end(body);
