import type { Agent } from 'node:http';

/**
 * How long an idle connection to the collector is kept: below the 5 s that
 * Node's own servers (and many proxies) allow, so the collector rarely closes
 * one under a request. A collector's `Keep-Alive: timeout=N` hint shortens it
 * (Node's agent reads the hint).
 */
const IDLE_MS = 4_000;

const agents = new Map<string, Agent>();

/**
 * The process's one connection pool per scheme for requests to the
 * collector, so that the completed record at exit goes out on the
 * connection the started record opened: one round trip at exit instead of
 * a new TCP (and TLS) handshake. An idle connection never holds the process
 * open: Node's agent unrefs the sockets it keeps, and drops them after
 * `IDLE_MS`.
 */
export function collectorAgent(url: URL): Agent {
  const secure = url.protocol === 'https:';
  const scheme = secure ? 'https:' : 'http:';
  let agent = agents.get(scheme);
  if (agent === undefined) {
    // (node:https, and with it TLS, loads only for an https endpoint.)
    const Pool = secure ? process.getBuiltinModule('node:https').Agent : process.getBuiltinModule('node:http').Agent;
    agent = new Pool({ keepAlive: true, timeout: IDLE_MS, maxFreeSockets: 1 });
    agents.set(scheme, agent);
  }
  return agent;
}
