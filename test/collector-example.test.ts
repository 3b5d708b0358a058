/**
 * examples/collector/config.yaml is what the generated document points an
 * operator to when it says the collector sees the sender's IP address
 * "unless its operator drops it": a document check that the example does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/child.js';

const config = readFileSync(join(ROOT, 'examples', 'collector', 'config.yaml'), 'utf8');
/** The config without comments, so a commented-out line proves nothing. */
const live = config
  .split('\n')
  .map((line) => line.replace(/(^|\s)#.*$/, ''))
  .join('\n');

describe('the example collector keeps no IP address', () => {
  it('keeps request metadata (X-Forwarded-For and other headers) out of the pipeline', () => {
    expect(live).toMatch(/^\s+include_metadata: false$/m);
    expect(live).not.toMatch(/include_metadata: true/);
  });

  it('deletes address attributes from the resource, in every traces pipeline', () => {
    for (const key of ['client.address', 'host.ip', 'net.peer.ip', 'net.sock.peer.addr']) {
      expect(live).toContain(`{ key: ${key}, action: delete }`);
    }
    const pipelines = [...live.matchAll(/^\s+processors: \[(.*)\]$/gm)].map((m) => m[1] ?? '');
    expect(pipelines.length).toBeGreaterThan(0);
    // (After the memory limiter, which the collector wants first; before anything that batches or exports.)
    for (const processors of pipelines) {
      const names = processors.split(',').map((p) => p.trim());
      expect(names).toContain('resource/drop-addresses');
      expect(names.indexOf('resource/drop-addresses')).toBeLessThan(names.indexOf('batch'));
    }
  });

  it('lets no span attribute through but the declared ones (the redaction allow list)', () => {
    expect(live).toMatch(/allow_all_keys: false/);
    expect(live).not.toMatch(/^\s+- (client|net|host|source)\./m);
  });

  it('copies no client address into the data', () => {
    expect(live).not.toMatch(/context\.client|from_context/);
  });
});
