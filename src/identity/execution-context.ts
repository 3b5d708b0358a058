/**
 * Where the app runs, in coarse facts (dlt sends the like as `exec_info`):
 * how many CPUs, rounded; whether in a container, in Kubernetes, in WSL; a
 * cloud development environment; a cloud provider; an orchestrator or a
 * notebook that launched it. Each value is a yes/no or one word from a short
 * fixed list: never a container id, host, region, account or project name.
 *
 * Only loaded with the pipeline (telemetry on), and read from environment
 * variables and a few local files: no network call (cloud metadata endpoints
 * are never asked), no child process. Hand-written rather than taken from
 * `is-docker` / `is-inside-container` / `is-wsl`: those are ES-module-only,
 * which the CommonJS build can't load on Node 20, and they do the same few
 * reads.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, platform, release } from 'node:os';
import type { ContextChoices } from '../config/context-options.js';
import { WIRE_KEYS } from '../transparency/wire-keys.js';

type Env = Readonly<Record<string, string | undefined>>;

export function executionContext(choices: ContextChoices, env: Env = process.env): Record<string, string | number | boolean> {
  const facts: Record<string, string | number | boolean> = {};
  const linux = platform() === 'linux';
  if (choices.cpuCount) facts[WIRE_KEYS.hostCpus] = cpuBucket(availableParallelism());
  if (choices.container) facts[WIRE_KEYS.container] = linux && inContainer(env);
  if (choices.kubernetes) facts[WIRE_KEYS.kubernetes] = has(env, 'KUBERNETES_SERVICE_HOST');
  if (choices.wsl) facts[WIRE_KEYS.wsl] = linux && (release().toLowerCase().includes('microsoft') || has(env, 'WSL_DISTRO_NAME'));
  const devEnvironment = choices.devEnvironment ? devEnvironmentOf(env) : undefined;
  if (devEnvironment !== undefined) facts[WIRE_KEYS.devEnvironment] = devEnvironment;
  const cloud = choices.cloud ? cloudProviderOf(env) : undefined;
  if (cloud !== undefined) facts[WIRE_KEYS.cloudProvider] = cloud;
  const runner = choices.runner ? runnerOf(env) : undefined;
  if (runner !== undefined) facts[WIRE_KEYS.runner] = runner;
  return facts;
}

/** The largest power of two not above `count`, at most 64: enough to tell a laptop from a build server, too coarse to single out a machine. */
export function cpuBucket(count: number): number {
  if (!Number.isFinite(count) || count < 1) return 1;
  return Math.min(64, 2 ** Math.floor(Math.log2(count)));
}

function has(env: Env, name: string): boolean {
  const value = env[name];
  return value !== undefined && value !== '';
}

/**
 * Docker leaves `/.dockerenv`, Podman `/run/.containerenv`; systemd-nspawn
 * and Podman set `container`; otherwise the cgroup path of this process
 * names the runtime (cgroup v1, and v2 hosts that don't hide it).
 */
function inContainer(env: Env): boolean {
  if (has(env, 'container') || existsSync('/.dockerenv') || existsSync('/run/.containerenv')) return true;
  try {
    return /docker|kubepods|containerd|libpod|lxc/.test(readFileSync('/proc/self/cgroup', 'utf8'));
  } catch {
    return false;
  }
}

function devEnvironmentOf(env: Env): string | undefined {
  if (env['CODESPACES'] === 'true') return 'codespaces';
  if (has(env, 'GITPOD_WORKSPACE_ID')) return 'gitpod';
  if (env['REMOTE_CONTAINERS'] === 'true' || env['DEVCONTAINER'] === 'true') return 'devcontainer';
  return undefined;
}

/**
 * Only variables the platform itself sets where the code runs: not
 * `AWS_REGION` or `GOOGLE_CLOUD_PROJECT`, which developers set on their own
 * machines to use a cloud's tools.
 */
function cloudProviderOf(env: Env): string | undefined {
  // Lambda, ECS, CodeBuild, CloudShell set AWS_EXECUTION_ENV.
  if (has(env, 'AWS_EXECUTION_ENV') || has(env, 'AWS_LAMBDA_FUNCTION_NAME')) return 'aws';
  // Cloud Run and Cloud Functions (K_SERVICE, FUNCTION_TARGET), App Engine, Cloud Shell.
  if (has(env, 'K_SERVICE') || has(env, 'FUNCTION_TARGET') || has(env, 'GAE_ENV') || env['CLOUD_SHELL'] === 'true') return 'gcp';
  // App Service and Functions (WEBSITE_SITE_NAME), Container Apps, Cloud Shell (ACC_CLOUD).
  if (has(env, 'WEBSITE_SITE_NAME') || has(env, 'CONTAINER_APP_NAME') || has(env, 'ACC_CLOUD')) return 'azure';
  return undefined;
}

/** What launched the process, when it says so: an Airflow task, or a Jupyter kernel. */
function runnerOf(env: Env): string | undefined {
  if (has(env, 'AIRFLOW_CTX_DAG_ID')) return 'airflow';
  if (has(env, 'JPY_PARENT_PID')) return 'jupyter';
  return undefined;
}
