import type { FastifyReply } from 'fastify';
import type { JsonResult, PageResult } from '../services/user-service.js';

export const jsonType = 'application/json; charset=utf-8';

/** Sends a body that is already JSON text, without serializing it again. */
export function sendJson(reply: FastifyReply, result: JsonResult | PageResult): FastifyReply {
  if ('headers' in result && result.headers) reply.headers(result.headers);
  return reply.code(result.status).type(jsonType).send(result.body);
}
