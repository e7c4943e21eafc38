/**
 * A real HTTP server on a free loopback port, over a fresh store with the demo data: for tests
 * that drive the API the way the SDK and the CLI do, through sockets rather than inject().
 */
import type { AddressInfo } from 'node:net';
import type { ServerConfig } from '../server/config.js';
import { type Harness, startHarness } from './harness.js';
import type { StoreFactory } from './stores.js';

export interface LiveServer extends Harness {
  /** The API root, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** An AdminAgent token of the demo partner. */
  adminToken: string;
}

/**
 * Starts the app on 127.0.0.1 port 0. `close()` stops it and drops the store.
 *
 * @example
 * const server = await startLiveServer(factory);
 * const partner = createPartnerOperations({ baseUrl: server.url, credentials: { token: server.adminToken } });
 */
export async function startLiveServer(factory: StoreFactory, config: Partial<ServerConfig> = {}): Promise<LiveServer> {
  const h = await startHarness(factory, config);
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = h.app.server.address() as AddressInfo;
  return Object.assign(h, { url: `http://127.0.0.1:${port}`, adminToken: await h.token() });
}
