/**
 * Control plane (issue 12): a workspace's request journal and client report. Newest first,
 * keyset-paged like the product's lists (links.next with an MS-ContinuationToken header), one
 * entry, a HAR 1.2 export, a clear, and the client checks summed up.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { guidPattern } from '../../../domain/guid.js';
import { journalHar } from '../../../domain/emulator/har.js';
import { Fault, faults as apiFaults } from '../../../domain/fault.js';
import { ApiFault } from '../../../schemas/common.js';
import { ClientReport, JournalEntry, JournalPage, JournalQuery } from '../../../schemas/emulator/journal.js';
import type { JournalService } from '../../../services/emulator/journal-service.js';
import { jsonType } from '../../reply.js';

const tags = ['Emulator'];
const security = [{ bearer: [] }];
const WorkspaceParams = Type.Object({ id: Type.String({ description: 'Workspace id (its partner tenant id)' }) });
const EntryParams = Type.Object({ id: Type.String(), entryId: Type.String({ description: 'Journal entry id' }) });
const errors = { 400: ApiFault, 401: ApiFault, 403: ApiFault, 404: ApiFault };

/** A workspace id from a path, lower-cased; anything but a GUID is a 400. */
function workspaceOf(id: string): string {
  const lower = id.toLowerCase();
  if (!guidPattern.test(lower)) throw apiFaults.invalidInput('The workspace id must be a GUID.', [id]);
  return lower;
}

export default async function journalRoutes(app: FastifyInstance, { journal, version }: { journal: JournalService | undefined; version: string }) {
  const on = (): JournalService => {
    if (!journal) throw new Fault(400, 600107, 'The request journal is off on this server (started with --journal off).', ['journal']);
    return journal;
  };

  app.get<{ Params: { id: string }; Querystring: JournalQuery }>('/workspaces/:id/requests', {
    schema: {
      tags, security, operationId: 'emulator.requests.list',
      summary: "The workspace's requests, newest first: filter by requestId, correlationId, status, route (operation name) and since (workspace time); size 1–500",
      params: WorkspaceParams, querystring: JournalQuery, response: { 200: JournalPage, ...errors },
    },
  }, async (request, reply) => {
    const id = workspaceOf(request.params.id);
    const token = request.headers['ms-continuationtoken'];
    const page = await on().list(id, request.query ?? {}, typeof token === 'string' && token !== '' ? token : undefined, `/_tenantry/workspaces/${id}/requests`);
    return reply.type(jsonType).send(JSON.stringify(page));
  });

  app.get<{ Params: { id: string }; Querystring: JournalQuery }>('/workspaces/:id/requests.har', {
    schema: {
      tags, security, operationId: 'emulator.requests.har',
      summary: 'The journal (same filters) as a HAR 1.2 file, oldest first, to import into a browser network panel',
      params: WorkspaceParams, querystring: JournalQuery, response: { 200: Type.Object({ log: Type.Object({}, { additionalProperties: true }) }, { additionalProperties: true }), ...errors },
    },
  }, async (request, reply) => {
    const id = workspaceOf(request.params.id);
    const entries = await on().all(id, request.query ?? {});
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="tenantry-${id}.har"`)
      .send(JSON.stringify(journalHar(entries, baseUrlOf(request), version)));
  });

  app.get<{ Params: { id: string; entryId: string } }>('/workspaces/:id/requests/:entryId', {
    schema: { tags, security, operationId: 'emulator.requests.get', summary: 'One journal entry', params: EntryParams, response: { 200: JournalEntry, ...errors } },
  }, async (request, reply) => reply.type(jsonType).send(JSON.stringify(await on().get(workspaceOf(request.params.id), request.params.entryId))));

  app.delete<{ Params: { id: string } }>('/workspaces/:id/requests', {
    schema: { tags, security, operationId: 'emulator.requests.clear', summary: "Empty the workspace's journal", params: WorkspaceParams, response: { 204: Type.Null(), ...errors } },
  }, async (request, reply) => {
    await on().clear(workspaceOf(request.params.id));
    return reply.code(204).send();
  });

  app.get<{ Params: { id: string } }>('/workspaces/:id/client-report', {
    schema: {
      tags, security, operationId: 'emulator.clientReport',
      summary: 'Client checks the journal holds (retried before Retry-After, hand-built paging, writes without MS-RequestId, …), each with what to do instead',
      params: WorkspaceParams, response: { 200: ClientReport, ...errors },
    },
  }, async (request, reply) => reply.type(jsonType).send(JSON.stringify(await on().clientReport(workspaceOf(request.params.id)))));
}

/** The server's address as the client used it, for the HAR's absolute URLs. */
function baseUrlOf(request: FastifyRequest): string {
  const host = /^[\w.:[\]-]{1,255}$/.test(request.host) ? request.host : 'localhost';
  return `${request.protocol}://${host}`;
}
