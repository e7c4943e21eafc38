/**
 * Control plane (issue 12): a workspace's fault rules. List, add (one rule or `{rules: [...]}`,
 * all or none), remove one, clear.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ApiFault } from '../../../schemas/common.js';
import { FaultRuleInput, FaultRuleList } from '../../../schemas/emulator/fault-rule.js';
import { guidPattern } from '../../../domain/guid.js';
import { faults as apiFaults } from '../../../domain/fault.js';
import type { FaultService } from '../../../services/emulator/fault-service.js';
import { jsonType } from '../../reply.js';

const tags = ['Emulator'];
const WorkspaceParams = Type.Object({ id: Type.String({ description: 'Workspace id (its partner tenant id)' }) });
const RuleParams = Type.Object({ id: Type.String(), ruleId: Type.String() });
const errors = { 400: ApiFault, 401: ApiFault, 403: ApiFault, 404: ApiFault, 409: ApiFault };

/** A workspace id from a path, lower-cased; anything but a GUID is a 400. */
function workspaceOf(id: string): string {
  const lower = id.toLowerCase();
  if (!guidPattern.test(lower)) throw apiFaults.invalidInput('The workspace id must be a GUID.', [id]);
  return lower;
}

export default async function faultRoutes(app: FastifyInstance, { faults }: { faults: FaultService }) {
  app.get<{ Params: { id: string } }>('/workspaces/:id/faults', {
    schema: { tags, operationId: 'emulator.faults.list', summary: 'List the workspace\'s fault rules with their counters', params: WorkspaceParams, response: { 200: FaultRuleList, ...errors } },
  }, async (request, reply) => {
    const items = await faults.list(workspaceOf(request.params.id));
    return reply.type(jsonType).send(JSON.stringify({ totalCount: items.length, items }));
  });

  app.post<{ Params: { id: string }; Body: unknown }>('/workspaces/:id/faults', {
    // Validated whole by the domain (every problem listed), not by the first schema error.
    attachValidation: true,
    schema: {
      tags, operationId: 'emulator.faults.add',
      summary: 'Add one fault rule, or several as {"rules": [...]}: all are checked first, none is added when one is wrong',
      params: WorkspaceParams,
      body: Type.Union([FaultRuleInput, Type.Object({ rules: Type.Array(FaultRuleInput) })]),
      response: { 201: FaultRuleList, ...errors },
    },
  }, async (request, reply) => {
    const partnerId = workspaceOf(request.params.id);
    const body = request.body as Record<string, unknown> | null;
    const inputs = body && typeof body === 'object' && Array.isArray(body.rules) && body.effect === undefined ? (body.rules as unknown[]) : [body];
    const items = await faults.add(partnerId, inputs);
    return reply.code(201).type(jsonType).send(JSON.stringify({ totalCount: items.length, items }));
  });

  app.delete<{ Params: { id: string } }>('/workspaces/:id/faults', {
    schema: { tags, operationId: 'emulator.faults.clear', summary: 'Remove every fault rule of the workspace', params: WorkspaceParams, response: { 204: Type.Null(), ...errors } },
  }, async (request, reply) => {
    await faults.clear(workspaceOf(request.params.id));
    return reply.code(204).send();
  });

  app.delete<{ Params: { id: string; ruleId: string } }>('/workspaces/:id/faults/:ruleId', {
    schema: { tags, operationId: 'emulator.faults.remove', summary: 'Remove one fault rule', params: RuleParams, response: { 204: Type.Null(), ...errors } },
  }, async (request, reply) => {
    await faults.remove(workspaceOf(request.params.id), request.params.ruleId);
    return reply.code(204).send();
  });
}
