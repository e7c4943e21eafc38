/**
 * The control plane under `/_tenantry` (issue 11): workspaces, their reset, clock and tokens.
 * Registered by the emulator plugin only; every route needs the admin token.
 */
import type { FastifyInstance } from 'fastify';
import faultRoutes from './faults.js';
import journalRoutes from './journal.js';
import snapshotRoutes from './snapshots.js';
import { SnapshotService } from '../../../services/emulator/snapshot-service.js';
import { normalizeRoles } from '../../../auth/permissions.js';
import { ApiFault } from '../../../schemas/common.js';
import {
  ClockChange,
  IssuedToken,
  TokenRequest,
  Workspace,
  WorkspaceClock,
  WorkspaceCreate,
  WorkspaceList,
  WorkspaceParams,
} from '../../../schemas/emulator/workspace.js';
import { Consistency } from '../../../schemas/emulator/consistency.js';
import { Fixture, fixtureJsonSchema } from '../../../schemas/emulator/fixture.js';
import type { WorkspaceService } from '../../../services/emulator/workspace-service.js';
import type { AppContext } from '../../context.js';
import { runInWorkspace } from '../request-context.js';
import { adminAuth } from './admin-auth.js';

export interface ControlPlaneOptions {
  ctx: AppContext;
  workspaces: WorkspaceService;
  adminToken: string;
}

const tags = ['Emulator'];
const errors = { 400: ApiFault, 401: ApiFault, 403: ApiFault, 404: ApiFault, 409: ApiFault };
// The admin token goes in the same bearer header as partner tokens.
const security = [{ bearer: [] }];
type ById = { Params: { id: string } };

export default async function controlPlaneRoutes(app: FastifyInstance, { ctx, workspaces, adminToken }: ControlPlaneOptions) {
  app.addHook('onRequest', adminAuth(adminToken, ctx.tokens));
  // Issue 12's fault rules live under the same admin credential.
  await app.register(faultRoutes, { faults: app.emulatorFaults });
  // Issue 12's request journal and client report, likewise.
  await app.register(journalRoutes, { journal: app.emulatorJournal, version: '1.0' });
  const snapshots = new SnapshotService(ctx.store, workspaces, (id) => app.emulatorFaults?.forget(id));
  await app.register(snapshotRoutes, { snapshots });

  app.post<{ Body: WorkspaceCreate }>('/workspaces', {
    // A fixture of a few hundred thousand users is tens of MB; only the admin token reaches here.
    bodyLimit: 512 * 1024 * 1024,
    schema: { tags, security, summary: 'Create a workspace: an isolated partner with its own data, clock and tokens', body: WorkspaceCreate, response: { 201: Workspace, ...errors } },
  }, async (request, reply) => reply.code(201).send(await workspaces.create(request.body ?? {})));

  app.get('/workspaces', {
    schema: { tags, security, summary: 'List the workspaces', response: { 200: WorkspaceList, ...errors } },
  }, async () => workspaces.list());

  app.get<ById>('/workspaces/:id', {
    schema: { tags, security, summary: 'Get a workspace', params: WorkspaceParams, response: { 200: Workspace, ...errors } },
  }, async (request) => workspaces.get(request.params.id));

  app.delete<ById>('/workspaces/:id', {
    schema: { tags, security, summary: 'Delete a workspace and every row it owns', params: WorkspaceParams, response: { 204: { type: 'null', description: 'Deleted' }, ...errors } },
  }, async (request, reply) => {
    await workspaces.delete(request.params.id);
    return reply.code(204).send();
  });

  app.get<ById>('/workspaces/:id/export', {
    schema: { tags, security, summary: "The workspace's current data as a fixture: deleted users with their deletion time, seats, licences, role members", params: WorkspaceParams, response: { 200: Fixture, ...errors } },
  }, async (request) => workspaces.export(request.params.id));

  app.get('/fixture.schema.json', {
    schema: { tags, security, summary: 'The JSON Schema of fixtures (POST /workspaces `fixture`, serve --fixtures, export)' },
  }, async (_request, reply) => reply.type('application/schema+json').send(fixtureJsonSchema()));

  app.post<ById>('/workspaces/:id/reset', {
    schema: { tags, security, summary: 'Back to the fixture it was created with (or empty), clock back to real time', params: WorkspaceParams, response: { 200: Workspace, ...errors } },
  }, async (request) => workspaces.reset(request.params.id));

  app.post<ById & { Body: TokenRequest }>('/workspaces/:id/tokens', {
    schema: {
      tags,
      security,
      summary: 'Issue a token of the workspace partner; with expiresIn it expires on the workspace clock, without it never',
      params: WorkspaceParams,
      body: TokenRequest,
      response: { 201: IssuedToken, ...errors },
    },
  }, async (request, reply) => {
    const workspace = await workspaces.require(request.params.id);
    const body = request.body ?? {};
    const roles = normalizeRoles(body.roles ?? ['AdminAgent']);
    const lifetime = body.expiresIn !== undefined ? workspaces.tokenLifetime(workspace, body.expiresIn) : undefined;
    // Issued inside the workspace: iat, nbf and exp are on its clock.
    const token = await runInWorkspace({ workspace }, () =>
      ctx.tokens.issue({ partnerId: workspace.id, roles, appOnly: body.appOnly, ...(lifetime ? { expiresIn: lifetime.seconds } : { timeless: true }) }),
    );
    return reply.code(201).send(lifetime ? { token, expiresOn: lifetime.expiresOn } : { token });
  });

  app.get<ById>('/workspaces/:id/clock', {
    schema: { tags, security, summary: "The workspace's time", params: WorkspaceParams, response: { 200: WorkspaceClock, ...errors } },
  }, async (request) => workspaces.clockOf(await workspaces.require(request.params.id)));

  app.post<ById & { Body: ClockChange }>('/workspaces/:id/clock', {
    schema: {
      tags,
      security,
      summary: 'Move the clock: {"advance":"P30D"}, {"set":"2027-01-01T00:00:00Z"} or {"freeze":true|false}; purges what the new time has expired',
      params: WorkspaceParams,
      body: ClockChange,
      response: { 200: WorkspaceClock, ...errors },
    },
  }, async (request) => workspaces.moveClock(request.params.id, request.body ?? {}));

  app.get<ById>('/workspaces/:id/consistency', {
    schema: { tags, security, summary: "The workspace's consistency lag: {} (immediate), {\"after\":\"PT30S\"} or {\"afterReads\":3}", params: WorkspaceParams, response: { 200: Consistency, ...errors } },
  }, async (request) => workspaces.consistency(request.params.id));

  const setConsistency = {
    schema: {
      tags,
      security,
      summary: 'Set the consistency lag: new, changed and deleted users, licences and role members show in reads only after {"after":"PT30S"} of the workspace clock or {"afterReads":N} reads; {} for immediate',
      params: WorkspaceParams,
      body: Consistency,
      response: { 200: Consistency, ...errors },
    },
  };
  app.put<ById & { Body: Consistency }>('/workspaces/:id/consistency', setConsistency, async (request) => workspaces.setConsistency(request.params.id, request.body ?? {}));
  app.post<ById & { Body: Consistency }>('/workspaces/:id/consistency', { schema: { ...setConsistency.schema, hide: true } }, async (request) => workspaces.setConsistency(request.params.id, request.body ?? {}));
}
