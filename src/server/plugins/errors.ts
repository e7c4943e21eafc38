/**
 * Turns every failure into Partner Center's ApiFault body with the right status. Bad input is
 * always a 4xx fault; only a real bug is a 500, and its details go to the log, not the caller.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Fault, faults } from '../../domain/fault.js';
import { jsonType } from '../reply.js';

/** Partner Center's gateway body for unknown routes. */
export const gatewayNotFound = JSON.stringify({ statusCode: 404, message: 'Resource not found' });

function toFault(error: FastifyError): Fault {
  if (error instanceof Fault) return error;
  if (error.validation) {
    const details = error.validation.map((v) => `${error.validationContext ?? 'body'}${v.instancePath || ''} ${v.message ?? 'is not valid'}`.trim());
    return faults.invalidInput('Invalid request input', details);
  }
  const code = error.code ?? '';
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return faults.invalidInput('The request body is too large');
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return faults.invalidInput('Send the body as application/json');
  if (code.startsWith('FST_ERR_CTP') || code === 'FST_ERR_INVALID_URL' || code === 'FST_ERR_BAD_URL') return faults.invalidInput('Invalid request input');
  // Any other client error fastify raises (malformed URL, bad header…): still a fault, never a 500.
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return faults.invalidInput(error.message || 'Invalid request input');
  return faults.unexpected();
}

/**
 * For the errors fastify raises while routing, before any hook runs (a malformed percent-escape,
 * an over-long path segment): the same 400 ApiFault, instead of fastify's own body.
 *
 * @example
 * Fastify({ frameworkErrors: renderFrameworkError });
 */
export function renderFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const fault = faults.invalidInput(error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'A path segment is too long' : 'The URL is not valid');
  reply.code(fault.status).type(jsonType).send(JSON.stringify(fault.toJSON()));
}

async function errors(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const fault = toFault(error);
    if (fault.status >= 500) request.log.error({ err: error }, 'unhandled error');
    reply.code(fault.status).headers(fault.headers).type(jsonType).send(JSON.stringify(fault.toJSON()));
  });
  app.setNotFoundHandler((_request, reply) => {
    reply.code(404).type(jsonType).send(gatewayNotFound);
  });
}

export default fp(errors, { name: 'errors' });
