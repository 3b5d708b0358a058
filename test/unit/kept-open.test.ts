import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../../src/index.js';
import { KeptOpen } from '../../src/lifecycle/kept-open.js';
import { runToEnd } from '../../src/lifecycle/run-to-end.js';
import { tempDir } from '../support/child.js';

/** A promise and the functions that settle it. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('cmd.keepOpen with telemetry off', () => {
  const off = () => createTelemetry({ app: { name: 'acme' }, endpoint: 'https://t.example', configDir: tempDir(), env: { DO_NOT_TRACK: '1' } });

  it('command() still resolves only once what it was kept open for has settled: the app behaves the same either way', async () => {
    const until = deferred();
    let settled = false;
    const command = off()
      .command('serve', (cmd) => {
        cmd.keepOpen(until.promise);
        return 'started';
      })
      .then((value) => {
        settled = true;
        return value;
      });
    await tick();
    expect(settled).toBe(false);
    until.resolve();
    await expect(command).resolves.toBe('started');
  });

  it('rejects with the rejection of what it was kept open for', async () => {
    const until = deferred();
    const command = off().command('serve', (cmd) => {
      cmd.keepOpen(until.promise);
    });
    const error = new RangeError('closed badly');
    until.reject(error);
    await expect(command).rejects.toBe(error);
  });
});

describe('runToEnd', () => {
  it('is synchronous for a synchronous body that kept nothing open', () => {
    expect(runToEnd(() => 7, new KeptOpen())).toBe(7);
  });

  it('also waits for what was kept open while it waited', async () => {
    const kept = new KeptOpen();
    const first = deferred();
    const second = deferred();
    kept.add(first.promise);
    let done = false;
    const ended = Promise.resolve(runToEnd(() => 1, kept)).then(() => (done = true));
    kept.add(second.promise);
    first.resolve();
    await tick();
    expect(done).toBe(false);
    second.resolve();
    await ended;
    expect(done).toBe(true);
  });

  it('holds its lease (the signal guards) only while waiting, and gives it back when what was kept open rejects', async () => {
    const kept = new KeptOpen();
    const until = deferred();
    kept.add(until.promise);
    let held = 0;
    const ended = runToEnd(() => 1, kept, () => {
      held++;
      return () => held--;
    });
    expect(held).toBe(1);
    until.reject(new Error('x'));
    await expect(ended).rejects.toThrow('x');
    expect(held).toBe(0);
  });
});
