import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contextChoices } from '../src/config/context-options.js';
import { cpuBucket, executionContext } from '../src/identity/execution-context.js';
import { createTelemetry } from '../src/index.js';
import { collector, completed, find } from './support/collector.js';
import { consentedEnv, FIXTURES, runNode, tempDir } from './support/child.js';
import { netWatch } from './support/net-watch.js';

const APP = join(FIXTURES, 'app.mjs');
const FACT_KEYS = ['optel.host.cpus', 'optel.container', 'optel.kubernetes', 'optel.wsl', 'optel.dev_environment', 'cloud.provider', 'optel.runner'];

/** Where a cloud dev environment, a cloud and an orchestrator all say so, with values that must never leave. */
const PLATFORM_ENV = {
  CODESPACES: 'true',
  CODESPACE_NAME: 'ada-secret-codespace',
  KUBERNETES_SERVICE_HOST: '10.96.0.1',
  AWS_EXECUTION_ENV: 'AWS_ECS_FARGATE',
  AWS_REGION: 'eu-secret-1',
  AIRFLOW_CTX_DAG_ID: 'payroll_secret_dag',
};

describe('execution context', () => {
  it('sends coarse facts about where it runs, and none of the values that told it', async () => {
    const receiver = await collector();
    try {
      await runNode([APP, 'ok'], { env: consentedEnv({ FIXTURE_ENDPOINT: receiver.url, ...PLATFORM_ENV }) });
      const spans = await receiver.waitFor(completed('fixture'));
      const resource = find(spans, 'fixture', 'completed')[0]?.resource ?? {};
      expect(resource).toMatchObject({
        'optel.kubernetes': true,
        'optel.dev_environment': 'codespaces',
        'cloud.provider': 'aws',
        'optel.runner': 'airflow',
      });
      expect([1, 2, 4, 8, 16, 32, 64]).toContain(resource['optel.host.cpus']);
      expect(typeof resource['optel.container']).toBe('boolean');
      expect(typeof resource['optel.wsl']).toBe('boolean');
      const raw = Buffer.concat(receiver.requests.map((r) => r.body)).toString('utf8');
      for (const value of ['ada-secret-codespace', '10.96.0.1', 'AWS_ECS_FARGATE', 'eu-secret-1', 'payroll_secret_dag']) expect(raw).not.toContain(value);
    } finally {
      await receiver.close();
    }
  });

  it('detects them without a network call (no cloud metadata endpoint) and without starting a process', async () => {
    const receiver = await collector();
    try {
      const net = netWatch();
      const processes = join(tempDir('optel-processwatch-'), 'started.json');
      const result = await runNode(['--require', join(FIXTURES, 'process-watch.cjs'), ...net.nodeArgs, APP, 'ok'], {
        env: consentedEnv({ FIXTURE_ENDPOINT: receiver.url, ...PLATFORM_ENV, ...net.env, PROCESS_WATCH_FILE: processes }),
      });
      expect(result.code, result.stderr).toBe(0);
      const spans = await receiver.waitFor(completed('fixture'));
      expect(find(spans, 'fixture', 'completed')[0]?.resource['cloud.provider']).toBe('aws');
      expect(net.attempts().length).toBeGreaterThan(0);
      expect(net.attempts()).toEqual(net.attempts().map(() => ({ host: '127.0.0.1', port: receiver.port })));
      expect(JSON.parse(readFileSync(processes, 'utf8'))).toEqual([]);
      // (The watcher does see a process an ES module starts.)
      const control = join(tempDir('optel-processwatch-'), 'started.json');
      const spawnsOne = "import { spawnSync } from 'node:child_process'; spawnSync(process.execPath, ['-e', '0']);";
      await runNode(['--require', join(FIXTURES, 'process-watch.cjs'), '--input-type=module', '-e', spawnsOne], { env: consentedEnv({ PROCESS_WATCH_FILE: control }) });
      expect(JSON.parse(readFileSync(control, 'utf8'))).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it('sends none of them when the app turns each off, and describe() leaves them out', async () => {
    const receiver = await collector();
    try {
      await runNode([APP, 'ok'], { env: consentedEnv({ FIXTURE_ENDPOINT: receiver.url, FIXTURE_CONTEXT_OFF: '1', ...PLATFORM_ENV }) });
      const spans = await receiver.waitFor(completed('fixture'));
      const resource = find(spans, 'fixture', 'completed')[0]?.resource ?? {};
      for (const key of FACT_KEYS) expect(resource).not.toHaveProperty([key]);
    } finally {
      await receiver.close();
    }
    const off = createTelemetry({ app: { name: 'acme' }, endpoint: 'https://t.example', configDir: tempDir(), context: { cloud: false, cpuCount: false } });
    const listed = (JSON.parse(off.describe({ format: 'json' })) as { context: { key: string }[] }).context.map((k) => k.key);
    expect(listed).not.toContain('cloud.provider');
    expect(listed).not.toContain('optel.host.cpus');
    expect(listed).toContain('optel.container');
  });

  it('rounds the CPU count down to a power of two, at most 64', () => {
    expect([1, 2, 3, 4, 6, 8, 12, 96, 0, Number.NaN].map(cpuBucket)).toEqual([1, 2, 2, 4, 4, 8, 8, 64, 1, 1]);
  });

  it('reads the cloud only from what the platform sets, not from a developer\'s own AWS_REGION or GOOGLE_CLOUD_PROJECT', () => {
    const all = contextChoices(undefined);
    expect(executionContext(all, { AWS_REGION: 'eu-west-1', GOOGLE_CLOUD_PROJECT: 'mine' })).not.toHaveProperty(['cloud.provider']);
    expect(executionContext(all, { K_SERVICE: 'api' })['cloud.provider']).toBe('gcp');
    expect(executionContext(all, { WEBSITE_SITE_NAME: 'shop' })['cloud.provider']).toBe('azure');
    expect(executionContext(all, { JPY_PARENT_PID: '42' })['optel.runner']).toBe('jupyter');
    expect(executionContext(all, { REMOTE_CONTAINERS: 'true' })['optel.dev_environment']).toBe('devcontainer');
  });
});
