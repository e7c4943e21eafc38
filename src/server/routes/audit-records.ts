/**
 * Audit records: `GET /v1/auditrecords`, the partner's log of writes, as in Partner Center.
 */
import type { FastifyInstance } from 'fastify';
import { AuditRecord, ListAuditRecordsQuery } from '../../schemas/audit-record.js';
import type { ListAuditRecordsQuery as ListQuery } from '../../schemas/audit-record.js';
import { ApiFault, SeekCollection } from '../../schemas/common.js';
import { AuditService } from '../../services/audit-service.js';
import type { AppContext } from '../context.js';
import { sendJson } from '../reply.js';
import { selfUri } from './users.js';

export default async function auditRecordRoutes(app: FastifyInstance, ctx: AppContext & { pagingSecret: Buffer }) {
  const audit = new AuditService(ctx.store, ctx.pagingSecret, () => ctx.clock.now());
  app.get<{ Querystring: ListQuery }>('/auditrecords', {
    // App-only tokens are welcome here, as in Partner Center.
    config: { operation: 'audit.read' },
    schema: {
      tags: ['Audit records'],
      summary: "List the partner's audit records: every write, who made it and its outcome (keyset paging; filter by customer, company name or resource type)",
      querystring: ListAuditRecordsQuery,
      response: { 200: SeekCollection(AuditRecord), 400: ApiFault, 401: ApiFault, 403: ApiFault },
    },
  }, async (request, reply) => {
    const token = request.headers['ms-continuationtoken'];
    return sendJson(reply, await audit.list(request.principal, request.query, selfUri(request), typeof token === 'string' ? token : undefined));
  });
}
