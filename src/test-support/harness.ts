/**
 * In-process test harness: an app over a fresh store, tokens, and a request helper that returns
 * status, headers and parsed JSON.
 */
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { buildApp } from '../server/app.js';
import { defaultConfig, type ServerConfig } from '../server/config.js';
import type { AppContext } from '../server/context.js';
import type { Store } from '../store/store.js';
import { demoCustomerId, demoPartnerId, seedDemoData } from '../demo/demo-data.js';
import type { StoreFactory } from './stores.js';

export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export interface Harness {
  app: FastifyInstance;
  /** With `{ emulator: … }` in the config: the admin token of the control plane. */
  emulatorAdminToken?: string;
  ctx: AppContext;
  store: Store;
  partnerId: string;
  customerId: string;
  /** A token for a partner (default: the demo partner) with roles (default AdminAgent). */
  token(options?: { partnerId?: string; roles?: string[]; appOnly?: boolean; expiresIn?: number }): Promise<string>;
  request(method: string, url: string, options?: { token?: string | null; body?: unknown; headers?: Record<string, string>; rawBody?: string }): Promise<TestResponse>;
  close(): Promise<void>;
}

/**
 * Starts an app with the demo data on a new store.
 *
 * @example
 * const h = await startHarness(factory);
 * const res = await h.request('GET', `/v1/customers/${h.customerId}/users`);
 */
export async function startHarness(factory: StoreFactory, config: Partial<ServerConfig> = {}): Promise<Harness> {
  const store = await factory.open();
  await seedDemoData(store);
  // Throttling is off unless a test asks for it, so suites can send as many requests as they need.
  const { app, ctx } = await buildApp(store, { logLevel: 'silent', sweepIntervalMs: 0, rateLimit: { ...defaultConfig.rateLimit, enabled: false }, ...config });
  const defaultToken = await ctx.tokens.issue({ partnerId: demoPartnerId });
  const h: Harness = {
    app,
    emulatorAdminToken: config.emulator?.adminToken,
    ctx,
    store,
    partnerId: demoPartnerId,
    customerId: demoCustomerId,
    token: (o = {}) => ctx.tokens.issue({ partnerId: o.partnerId ?? demoPartnerId, roles: o.roles, appOnly: o.appOnly, expiresIn: o.expiresIn }),
    async request(method, url, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const token = options.token === undefined ? defaultToken : options.token;
      if (token) headers.authorization = `Bearer ${token}`;
      let payload: string | undefined = options.rawBody;
      if (options.body !== undefined) {
        payload = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await app.inject({ method: method as 'GET', url, headers, payload });
      let json: unknown;
      const text = res.body.replace(/^\uFEFF/, '');
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.statusCode, headers: res.headers as TestResponse['headers'], text: res.body, json };
    },
    async close() {
      await app.close();
      await factory.dispose(store);
    },
  };
  return h;
}

/**
 * Starts an app in emulator mode (`serve --emulator`) with the demo data; the control plane
 * answers to `h.emulatorAdminToken`.
 *
 * @example
 * const h = await startEmulatorHarness(factory);
 * const ws = await h.request('POST', '/_tenantry/workspaces', { token: h.emulatorAdminToken, body: {} });
 */
export function startEmulatorHarness(factory: StoreFactory, config: Partial<ServerConfig> = {}): Promise<Harness> {
  return startHarness(factory, { emulator: { adminToken: `admin-${randomUUID()}` }, ...config });
}

/** A unique request id, for tests that care about idempotency. */
export const newRequestId = () => randomUUID();
