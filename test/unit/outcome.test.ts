import { afterEach, describe, expect, it } from 'vitest';
import { createTelemetry } from '../../src/index.js';
import { errorClassName, errorTypeOf, exitCodeForSignal, outcomeOf } from '../../src/lifecycle/outcome.js';
import { startReceiver } from '../../src/receiver/server.js';
import type { Receiver } from '../../src/receiver/server.js';
import { tempDir } from '../support/child.js';
import { completedRecords } from '../support/records.js';

class DeployError extends Error {}

describe('outcomeOf', () => {
  it('a command that returned normally is a success', () => {
    expect(outcomeOf({})).toBe('success');
    expect(outcomeOf({ exitCode: 0 })).toBe('success');
  });

  it('a thrown error or a non-zero exit code is a failure', () => {
    expect(outcomeOf({ error: new Error('x') })).toBe('failure');
    expect(outcomeOf({ error: null })).toBe('failure');
    expect(outcomeOf({ error: 'a string' })).toBe('failure');
    expect(outcomeOf({ exitCode: 1 })).toBe('failure');
    expect(outcomeOf({ exitCode: 3 })).toBe('failure');
    expect(outcomeOf({ error: new Error('x'), exitCode: 0 })).toBe('failure');
  });

  it('a signal makes it aborted, whatever else is known', () => {
    expect(outcomeOf({ signal: 'SIGINT' })).toBe('aborted');
    expect(outcomeOf({ signal: 'SIGTERM', exitCode: 143 })).toBe('aborted');
    expect(outcomeOf({ signal: 'SIGTERM', error: new Error('x') })).toBe('aborted');
  });
});

describe('errorTypeOf', () => {
  it("is the error's class name, never its message", () => {
    expect(errorTypeOf({ error: new DeployError('no credentials for s3://bucket') })).toBe('DeployError');
    expect(errorTypeOf({ error: new TypeError('/home/jane/secret') })).toBe('TypeError');
  });

  it('is the exit code as a string for a plain non-zero exit', () => {
    expect(errorTypeOf({ exitCode: 3 })).toBe('3');
  });

  it('is absent for a success and for a signal', () => {
    expect(errorTypeOf({})).toBeUndefined();
    expect(errorTypeOf({ exitCode: 0 })).toBeUndefined();
    expect(errorTypeOf({ signal: 'SIGINT', exitCode: 130 })).toBeUndefined();
  });
});

describe('errorClassName', () => {
  it('names built-in and custom error classes', () => {
    expect(errorClassName(new Error('x'))).toBe('Error');
    expect(errorClassName(new RangeError('x'))).toBe('RangeError');
    expect(errorClassName(new DeployError('x'))).toBe('DeployError');
  });

  it('says _OTHER for thrown values that are not objects', () => {
    expect(errorClassName('boom')).toBe('_OTHER');
    expect(errorClassName(42)).toBe('_OTHER');
    expect(errorClassName(null)).toBe('_OTHER');
    expect(errorClassName(undefined)).toBe('_OTHER');
  });

  it('falls back to Error for objects whose class name is missing or could carry data', () => {
    expect(errorClassName(Object.create(null))).toBe('Error');
    const sneaky = { constructor: { name: 'user jane@corp.example /home/jane' } };
    expect(errorClassName(sneaky)).toBe('Error');
    expect(errorClassName({ constructor: { name: 'x'.repeat(500) } })).toBe('Error');
    expect(errorClassName({ constructor: { name: 42 } })).toBe('Error');
  });
});

describe('exitCodeForSignal', () => {
  it('is 128 + the signal number, as a shell reports it', () => {
    expect(exitCodeForSignal('SIGHUP')).toBe(129);
    expect(exitCodeForSignal('SIGINT')).toBe(130);
    expect(exitCodeForSignal('SIGQUIT')).toBe(131);
    expect(exitCodeForSignal('SIGTERM')).toBe(143);
  });
});

describe('outcome of a command, as a collector sees it', () => {
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  it('a command that throws undefined is reported as a failure, not a success', async () => {
    receiver = await startReceiver({ port: 0 });
    const telemetry = createTelemetry({
      app: { name: 'outcome-test' },
      endpoint: receiver.url,
      configDir: tempDir(),
      env: {},
      // The app's own yes (as if from a setting the user chose): no first-run notice, this run sends.
      consent: { enabled: true },
    });
    let caught: unknown = 'nothing';
    try {
      await telemetry.command('undefined-thrower', () => {
        throw undefined;
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeUndefined();
    await telemetry.shutdown();
    const spans = await receiver.waitFor((s) => completedRecords(s, 'undefined-thrower').length > 0);
    const [completed] = completedRecords(spans, 'undefined-thrower');
    expect(completed?.attributes['optel.outcome']).toBe('failure');
    expect(completed?.status.code).toBe(2);
  });
});
