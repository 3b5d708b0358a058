// Peer: the same tiny app on posthog-node, set up as its docs advise for a
// short-lived process (send each event at once, no flush timer, shutdown()
// before exit). It talks only to the bench's loopback collector.
import { PostHog } from 'posthog-node';

const endpoint = process.env.BENCH_ENDPOINT;
// Without the loopback collector's URL the library would fall back to its vendor's host.
if (!endpoint) throw new Error('BENCH_ENDPOINT (the loopback collector) is required');
const work = () => 42;
const client = new PostHog('bench-project-key', { host: endpoint, flushAt: 1, flushInterval: 0 });
process.exitCode = work() === 42 ? 0 : 1;
client.capture({ distinctId: 'bench-install', event: 'work', properties: { 'cli.command': 'work' } });
await client.shutdown();
