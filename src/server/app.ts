/**
 * Builds the HTTP application: wire conventions, errors, auth, metrics, OpenAPI, then the routes.
 * Tests call `buildApp` and send requests in-process with `app.inject`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { TokenService } from '../auth/token-service.js';
import { auditRetentionDays } from '../domain/audit-query.js';
import { systemClock } from '../domain/clock.js';
import { idempotencyRetentionMs } from './idempotency.js';
import { lazyChildLoggerFactory } from './lazy-child-logger.js';
import { CustomerService } from '../services/customer-service.js';
import { UserService } from '../services/user-service.js';
import { DirectoryRoleService } from '../services/directory-role-service.js';
import { LicenseService } from '../services/license-service.js';
import type { Store } from '../store/store.js';
import { defaultConfig, type ServerConfig } from './config.js';
import type { AppContext } from './context.js';
import auditPlugin from './plugins/audit.js';
import authPlugin from './plugins/auth.js';
import errorsPlugin, { renderFrameworkError } from './plugins/errors.js';
import rateLimitPlugin from './plugins/rate-limit.js';
import securityHeaders from './plugins/security-headers.js';
import turnBatching from './plugins/turn-batching.js';
import wireFormat, { parseQuery } from './plugins/wire-format.js';
import auditRecordRoutes from './routes/audit-records.js';
import customerRoutes from './routes/customers.js';
import operationRoutes from './routes/operations.js';
import userRoutes from './routes/users.js';
import directoryRoleRoutes from './routes/directory-roles.js';
import licenseRoutes from './routes/licenses.js';
import signInRoutes from './routes/sign-in.js';
import webUiRoutes from './routes/web-ui.js';
import { stampOperationId } from './routes/operation-ids.js';
import emulatorFaultsPlugin from './emulator/faults-plugin.js';

export interface BuiltApp {
  app: FastifyInstance;
  ctx: AppContext;
}

/**
 * Creates the app over a migrated store.
 *
 * @example
 * const store = openStore('sqlite::memory:'); await store.migrate();
 * const { app } = await buildApp(store, { logLevel: 'silent' });
 * const res = await app.inject({ method: 'GET', url: '/healthz' });
 */
export async function buildApp(store: Store, overrides: Partial<ServerConfig> = {}): Promise<BuiltApp> {
  const config: ServerConfig = { ...defaultConfig, ...overrides };
  // Emulator mode (issue 11) hooks in here and only here: its clock and ids read the workspace of
  // the request, and its plugin (registered below) sets that workspace and serves `/_tenantry`.
  const emulator = config.emulator ? (await import('./emulator/plugin.js')).createEmulator(store, config, config.emulator) : undefined;
  const clock = emulator?.clock ?? config.clock;
  const ids = emulator?.ids ?? config.ids;
  // The emulator's consistency lag (issue 12) sits between the services and the store.
  const serviceStore = emulator?.serviceStore ?? store;
  const tokens = new TokenService(store, config.issuer, config.audience, config.externalIssuers, { now: () => clock.now().getTime() });
  await tokens.init();
  const pagingSecret = Buffer.from(await store.getOrSetSetting('paging_secret', randomBytes(32).toString('base64')), 'base64');
  const now = () => clock.now();
  const ctx: AppContext = {
    config,
    clock,
    ids,
    store,
    tokens,
    sweepTasks: [],
    customers: new CustomerService(serviceStore, pagingSecret, clock, ids),
    users: new UserService(serviceStore, { pagingSecret, retentionMs: config.retentionMs, clock, ids }),
    licenses: new LicenseService(serviceStore, now),
    directoryRoles: new DirectoryRoleService(serviceStore, pagingSecret, now),
  };

  const app = Fastify({
    logger: {
      level: config.logLevel,
      ...(config.logToStderr ? { stream: process.stderr } : {}),
      // Only method, path and ids are logged: never headers (tokens) or bodies (passwords).
      serializers: {
        req: (req) => ({ method: req.method, url: req.url.split('?')[0] }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
    },
    // Most requests log nothing: their logger becomes a pino child only when it writes a line.
    childLoggerFactory: lazyChildLoggerFactory,
    genReqId: (req) => {
      const id = req.headers['ms-requestid'];
      return typeof id === 'string' && id.length > 0 && id.length <= 128 ? id : randomUUID();
    },
    bodyLimit: config.bodyLimit,
    routerOptions: {
      ignoreTrailingSlash: true,
      ignoreDuplicateSlashes: true,
      caseSensitive: false,
      querystringParser: parseQuery,
      maxParamLength: 200,
    },
    ajv: { customOptions: { coerceTypes: false, removeAdditional: true, allErrors: false } },
    forceCloseConnections: true,
    // Routing-time errors (bad percent-escapes, over-long segments) answer as ApiFaults too.
    frameworkErrors: renderFrameworkError,
  });

  // First of all hooks: the requests read in one event-loop turn go on together.
  await app.register(turnBatching);
  if (config.workerId) {
    // Scale-out (issue 7): which of the cluster's processes answered, for operators and tests.
    app.addHook('onRequest', async (_request, reply) => {
      reply.header('X-Tenantry-Worker', config.workerId);
    });
  }
  // Hooks on every request take a callback, not a promise: an async hook costs a promise and a
  // microtask turn per request even when it has nothing to do (bench/NOTES.md).
  app.addHook('onRequest', (request, reply, done) => {
    const correlationId = request.headers['ms-correlationid'];
    // Both loggers: fastify writes its "request completed" line through the reply's.
    if (typeof correlationId === 'string' && correlationId.length <= 128) request.log = reply.log = request.log.child({ correlationId });
    done();
  });

  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const duration = new Histogram({
    name: 'tenantry_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [metrics],
  });
  app.addHook('onResponse', (request, reply, done) => {
    duration.observe({ method: request.method, route: request.routeOptions.url ?? 'unknown', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });

  // Every /v1 route carries its operation name (users.list, …) in its config and OpenAPI operationId.
  app.addHook('onRoute', stampOperationId);
  await app.register(wireFormat, { config });
  await app.register(errorsPlugin);
  // Before auth: the workspace (and so the clock a token is verified with) is chosen first.
  if (emulator) await app.register(emulator.plugin, ctx);
  await app.register(authPlugin, { tokens });
  // Audit log (issue 7): records every write before its response is sent.
  await app.register(auditPlugin, { store, clock, ids });
  // Security (issue 7): throttling needs the principal the auth hook sets; headers and CORS apply to every response.
  await app.register(rateLimitPlugin, { store, rateLimit: config.rateLimit, now: () => clock.now().getTime(), purgeNow: () => systemClock.now().getTime() });
  await app.register(securityHeaders, { corsOrigins: config.corsOrigins, hsts: config.hsts });
  // Emulator (issue 12): fault rules and the Retry-After check act after auth, on the workspace's clock.
  if (config.emulator) await app.register(emulatorFaultsPlugin, { store, emulator: config.emulator, clock });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tenantry: Partner Center customer users and licenses',
        version: '1.0.0',
        description:
          'Wire-compatible with Partner Center /v1 customer and customer-user routes. Bodies bind case-insensitively; nulls mean "unset". ' +
          'Errors are ApiFault bodies. Paging is by continuation token (links.next).',
      },
      servers: [{ url: '/' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(operationRoutes, { ...ctx, metrics });
  await app.register(async (v1) => {
    await v1.register(customerRoutes, ctx);
    await v1.register(userRoutes, ctx);
    await v1.register(licenseRoutes, ctx);
    await v1.register(directoryRoleRoutes, ctx);
    await v1.register(auditRecordRoutes, { ...ctx, pagingSecret });
  }, { prefix: '/v1' });
  await app.register(signInRoutes, ctx);
  if (emulator) await app.register(emulator.routes, ctx);
  app.get('/openapi.json', { schema: { hide: true } }, async (_req, reply) => reply.type('application/json; charset=utf-8').send(JSON.stringify(app.swagger())));
  // Last: the UI's SPA fallback must not shadow any route above.
  await app.register(webUiRoutes, { root: config.webRoot, extraPaths: emulator?.uiPaths });
  await app.ready();
  return { app, ctx };
}

/**
 * Starts the periodic purge of users past their restore window and of old idempotency records.
 * Returns a function that stops it.
 */
export function startSweeper(ctx: AppContext, log: FastifyInstance['log']): () => void {
  if (ctx.config.sweepIntervalMs <= 0) return () => {};
  const sweep = async () => {
    try {
      const users = await ctx.users.purgeExpired();
      const now = ctx.clock.now().getTime();
      const requests = await ctx.store.purgeRequests(new Date(now - idempotencyRetentionMs).toISOString());
      // Audit records are served for 90 days, as Partner Center's are.
      await ctx.store.purgeAuditRecords(new Date(now - auditRetentionDays * 24 * 3600 * 1000).toISOString());
      if (users + requests > 0) log.info({ purgedUsers: users, purgedRequests: requests }, 'sweep');
      for (const task of ctx.sweepTasks) await task();
    } catch (err) {
      log.error({ err }, 'sweep failed');
    }
  };
  const timer = setInterval(sweep, ctx.config.sweepIntervalMs);
  timer.unref();
  void sweep();
  return () => clearInterval(timer);
}
