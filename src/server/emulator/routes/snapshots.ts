/**
 * Control-plane routes of workspace snapshots (issue 11), under the admin credential of
 * `controlPlaneRoutes`.
 */
import type { FastifyInstance } from 'fastify';
import { ApiFault } from '../../../schemas/common.js';
import { Snapshot, SnapshotCreate, SnapshotList, SnapshotParams } from '../../../schemas/emulator/snapshot.js';
import { Workspace, WorkspaceParams } from '../../../schemas/emulator/workspace.js';
import type { SnapshotService } from '../../../services/emulator/snapshot-service.js';

const tags = ['Emulator'];
const security = [{ bearer: [] }];
const errors = { 400: ApiFault, 401: ApiFault, 403: ApiFault, 404: ApiFault };
type ById = { Params: { id: string } };
type ByName = { Params: { id: string; name: string } };

export default async function snapshotRoutes(app: FastifyInstance, { snapshots }: { snapshots: SnapshotService }) {
  app.post<ById & { Body: SnapshotCreate }>('/workspaces/:id/snapshots', {
    schema: { tags, security, summary: "Take a snapshot of the workspace's state (replaces one of the same name)", params: WorkspaceParams, body: SnapshotCreate, response: { 201: Snapshot, ...errors } },
  }, async (request, reply) => reply.code(201).send(await snapshots.create(request.params.id, request.body.name)));

  app.get<ById>('/workspaces/:id/snapshots', {
    schema: { tags, security, summary: "The workspace's snapshots, oldest first", params: WorkspaceParams, response: { 200: SnapshotList, ...errors } },
  }, async (request) => snapshots.list(request.params.id));

  app.post<ByName>('/workspaces/:id/snapshots/:name/restore', {
    schema: {
      tags,
      security,
      summary: 'Undo every write since the snapshot: data, audit records, seats, idempotency answers, throttle counters, fault rules, the clock and id counter',
      params: SnapshotParams,
      response: { 200: Workspace, ...errors },
    },
  }, async (request) => snapshots.restore(request.params.id, request.params.name));

  app.delete<ByName>('/workspaces/:id/snapshots/:name', {
    schema: { tags, security, summary: 'Delete a snapshot', params: SnapshotParams, response: { 204: { type: 'null', description: 'Deleted' }, ...errors } },
  }, async (request, reply) => {
    await snapshots.delete(request.params.id, request.params.name);
    return reply.code(204).send();
  });
}
