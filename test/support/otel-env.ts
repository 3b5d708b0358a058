/**
 * Removes every OTEL_* variable from process.env for the duration of a test
 * file, so a developer's or CI's exporter settings (endpoint, headers,
 * compression, sampler, limits) cannot change what the stock exporters send.
 * Returns a function that puts them back.
 */
export function isolateFromOtelEnv(): () => void {
  const saved = Object.entries(process.env).filter(([key]) => key.startsWith('OTEL_'));
  for (const [key] of saved) delete process.env[key];
  return () => {
    for (const [key] of Object.entries(process.env)) {
      if (key.startsWith('OTEL_')) delete process.env[key];
    }
    for (const [key, value] of saved) process.env[key] = value;
  };
}
