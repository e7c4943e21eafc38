/**
 * Emulator mode (issue 11): THE one place the emulator hooks into the app. buildApp calls
 * `createEmulator` only when `config.emulator` is set; without it nothing here is loaded and
 * `/_tenantry/*` does not exist.
 *
 * The product's services get `serviceStore`, the store with the workspaces' consistency lag
 * (lagged-store.ts); without a lag set it passes every call through.
 *
 * Per request, the hook below finds the workspace of the bearer token's partner and runs the
 * rest of the request inside it (request-context.ts), so `ctx.clock` and `ctx.ids`, which the
 * product reads for every time and every new id, answer with that workspace's clock and ids.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { consistencyOf, isImmediate } from '../../domain/emulator/consistency.js';
import { seededIds } from '../../domain/emulator/seeded-ids.js';
import { requestIdStream, type WorkspaceRecord } from '../../domain/emulator/workspace.js';
import { faults } from '../../domain/fault.js';
import type { Clock } from '../../domain/clock.js';
import { EmulatorAbout } from '../../schemas/emulator/about.js';
import type { IdSource } from '../../domain/id-source.js';
import type { WorkspaceDataPort } from '../../services/emulator/workspace-data.js';
import { FixtureLoader } from '../../services/emulator/fixture-loader.js';
import { WorkspaceService } from '../../services/emulator/workspace-service.js';
import type { Store } from '../../store/store.js';
import { defaultJournalSize, type EmulatorConfig, type ServerConfig } from '../config.js';
import type { AppContext } from '../context.js';
import { idempotencyRetentionMs } from '../idempotency.js';
import { laggedStore } from './lagged-store.js';
import { peekPartner } from './peek-partner.js';
import { runInWorkspace, type WorkspaceScope } from './request-context.js';
import journalPlugin from './journal-plugin.js';
import controlPlaneRoutes from './routes/workspaces.js';
import { workspaceClockOver, workspaceIdsOver } from './workspace-time.js';

/** What the running emulator offers the `serve` command and tests. */
export interface EmulatorHandle {
  workspaces: WorkspaceService;
  adminToken: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Set only in emulator mode. */
    emulator?: EmulatorHandle;
  }
  interface FastifyRequest {
    /** Emulator mode: the workspace the request acts in (chosen from its token), or null. */
    workspace: WorkspaceRecord | null;
  }
}

export interface Emulator {
  clock: Clock;
  ids: IdSource;
  /** Registered before auth: picks each request's workspace. */
  plugin: FastifyPluginAsync<AppContext>;
  /** Registered with the other routes (after the OpenAPI plugin, which collects routes as they are added): the control plane. */
  routes: FastifyPluginAsync<AppContext>;
  /** The store the product's services use: the store with the workspaces' consistency lag (issue 12). */
  serviceStore: Store;
  /** UI paths that exist only in emulator mode (the web UI's Emulator area). */
  uiPaths: readonly string[];
}

const readOnlyMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a request must run inside its workspace's context (request-context.ts): when the
 * workspace's clock is moved or frozen, its writes draw seeded ids, or its reads lag. Otherwise
 * the product's own clock and ids are the workspace's already, and the request runs without the
 * context: AsyncLocalStorage's hooks, once on, cost every promise and native callback of every
 * request (~15 µs of a page on PostgreSQL), so a server whose workspaces need none never turns
 * them on.
 */
function needsContext(workspace: WorkspaceRecord, method: string): boolean {
  return (
    workspace.clock.offsetMs !== 0 ||
    workspace.clock.frozenAt !== undefined ||
    (workspace.seed !== undefined && !readOnlyMethods.has(method)) ||
    !isImmediate(consistencyOf(workspace.settings))
  );
}

/**
 * The emulator's clock, id source and plugin, for buildApp.
 *
 * @example
 * const emulator = createEmulator(store, config, { adminToken });
 * // ctx.clock = emulator.clock; ctx.ids = emulator.ids; await app.register(emulator.plugin, ctx);
 */
export function createEmulator(store: Store, config: ServerConfig, emulatorConfig: EmulatorConfig, data: WorkspaceDataPort = new FixtureLoader(store)): Emulator {
  async function emulatorPlugin(app: FastifyInstance, ctx: AppContext) {
    const workspaces = new WorkspaceService(store, ctx.tokens, data, {
      retentionMs: config.retentionMs,
      requestRetentionMs: idempotencyRetentionMs,
      cacheMs: emulatorConfig.stateCacheMs ?? Number.POSITIVE_INFINITY,
    });
    app.decorate('emulator', { workspaces, adminToken: emulatorConfig.adminToken });
    app.decorateRequest('workspace', null);
    // The sweeper's pass at real time cannot know that a workspace runs a month ahead: each
    // workspace also gets its own pass on its own clock.
    ctx.sweepTasks.push(async () => {
      for (const record of await store.listWorkspaces()) await workspaces.sweep(record);
    });

    const scopeFor = async (workspace: WorkspaceRecord, method: string): Promise<WorkspaceScope> => {
      // A seeded workspace's writes draw their ids from a stream numbered by a counter in the
      // store, so the n-th write gets the same ids on every run (reads create nothing).
      if (workspace.seed === undefined || readOnlyMethods.has(method)) return { workspace, read: readOnlyMethods.has(method) };
      const n = await store.drawWorkspaceRequestNumber(workspace.id);
      return n === undefined ? { workspace } : { workspace, ids: seededIds(workspace.seed, requestIdStream(n)) };
    };

    app.addHook('onRequest', (request, _reply, done) => {
      // Only product routes with an operation act for a partner; the control plane has its own credential.
      if (!request.routeOptions.config?.operation) return done();
      const partnerId = peekPartner(request.headers.authorization);
      if (partnerId === undefined) return done();
      const cached = workspaces.cached(partnerId);
      if (cached === null) return done();
      if (cached !== undefined) {
        request.workspace = cached;
        if (!needsContext(cached, request.method)) return done();
        // A seeded write draws its request number from the store (below).
        if (cached.seed === undefined || readOnlyMethods.has(request.method)) return runInWorkspace({ workspace: cached, read: readOnlyMethods.has(request.method) }, done);
      }
      workspaces
        .state(partnerId)
        .then(async (workspace) => {
          if (!workspace) return done();
          request.workspace = workspace;
          if (!needsContext(workspace, request.method)) return done();
          runInWorkspace(await scopeFor(workspace, request.method), done);
        })
        .catch((err: Error) => done(err));
    });

    // After auth (every onRequest hook has run): the verified partner must be the workspace chosen
    // from the unverified claim, or the request would run on another workspace's clock.
    // A callback hook, not an async one: it runs on every request, and a promise per request adds up.
    app.addHook('preValidation', (request, _reply, done) => {
      const workspace = request.workspace;
      if (workspace && request.principal && request.principal.partnerId !== workspace.id) {
        return done(faults.accessDenied("The token's partner does not match its workspace."));
      }
      done();
    });

    // Issue 12: the request journal and client checks, after the hook above entered the workspace.
    const journalSize = emulatorConfig.journalSize ?? defaultJournalSize;
    if (journalSize > 0) await app.register(journalPlugin, { store, clock: ctx.clock, size: journalSize });
  }

  async function routes(app: FastifyInstance, ctx: AppContext) {
    // Outside the control plane's admin check: it tells the web UI to offer its Emulator area
    // and holds nothing secret (the area still needs the admin token for every call).
    app.get('/_tenantry/about', { schema: { tags: ['Emulator'], summary: 'Says this server is an emulator (no credential needed, nothing secret)', response: { 200: EmulatorAbout } } }, async () => ({ emulator: true }));
    await app.register(controlPlaneRoutes, { prefix: '/_tenantry', ctx, workspaces: app.emulator!.workspaces, adminToken: emulatorConfig.adminToken });
  }

  const workspaceClock = workspaceClockOver(config.clock);
  return {
    clock: workspaceClock,
    ids: workspaceIdsOver(config.ids),
    plugin: fp(emulatorPlugin, { name: 'emulator' }),
    routes,
    serviceStore: laggedStore(store, workspaceClock),
    uiPaths: ['/emulator'],
  };
}
