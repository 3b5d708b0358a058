import type { ContextOptions } from './options.js';

/** Every execution-context fact, on unless the app turned it off. */
export type ContextChoices = Readonly<Required<ContextOptions>>;

/** Reads the `context` option: each fact is on unless it is `false`. */
export function contextChoices(options: unknown): ContextChoices {
  const given = (typeof options === 'object' && options !== null ? options : {}) as Record<string, unknown>;
  const on = (name: keyof ContextOptions): boolean => given[name] !== false;
  return {
    cpuCount: on('cpuCount'),
    container: on('container'),
    kubernetes: on('kubernetes'),
    wsl: on('wsl'),
    devEnvironment: on('devEnvironment'),
    cloud: on('cloud'),
    runner: on('runner'),
  };
}
