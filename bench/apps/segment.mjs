// Peer: the same tiny app on @segment/analytics-node, closed as its docs
// advise for a short-lived process (closeAndFlush() before exit). It talks
// only to the bench's loopback collector.
import { Analytics } from '@segment/analytics-node';

const endpoint = process.env.BENCH_ENDPOINT;
// Without the loopback collector's URL the library would fall back to its vendor's host.
if (!endpoint) throw new Error('BENCH_ENDPOINT (the loopback collector) is required');
const work = () => 42;
const analytics = new Analytics({ writeKey: 'bench-write-key', host: endpoint, path: '/v1/batch' });
process.exitCode = work() === 42 ? 0 : 1;
analytics.track({ anonymousId: 'bench-install', event: 'work', properties: { 'cli.command': 'work' } });
await analytics.closeAndFlush();
