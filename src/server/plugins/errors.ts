/**
 * Turns every failure into Partner Center's ApiFault body with the right status. Bad input is
 * always a 4xx fault; only a real bug is a 500, and its details go to the log, not the caller.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Fault, faults } from '../../domain/fault.js';
import { classifyStoreError, type StoreOutage } from '../../store/store-error.js';
import { jsonType } from '../reply.js';

/** Seconds a client is told to wait while the store is out: about one .NET SDK back-off step. */
export const storeOutageRetryAfterSeconds = 5;
// One log line per outage kind per interval, with the number of requests it turned away.
const outageLogIntervalMs = 10_000;

/** Partner Center's gateway body for unknown routes. */
export const gatewayNotFound = JSON.stringify({ statusCode: 404, message: 'Resource not found' });

function toFault(error: FastifyError): Fault {
  if (error instanceof Fault) return error;
  const outage = classifyStoreError(error);
  if (outage === 'full') return faults.storageFull(storeOutageRetryAfterSeconds);
  if (outage === 'unavailable') return faults.storeUnavailable(storeOutageRetryAfterSeconds);
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

/**
 * Counts the requests a store outage turns away and logs them once per interval: an outage under
 * load would otherwise write a line per request (thousands a minute) and bury everything else.
 */
class OutageLog {
  private readonly pending = new Map<StoreOutage, { count: number; first: Error }>();
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly log: FastifyInstance['log']) {}

  record(outage: StoreOutage, error: Error): void {
    const entry = this.pending.get(outage);
    if (entry) entry.count++;
    else {
      // The first request of an interval is logged at once, so the outage shows without delay.
      this.pending.set(outage, { count: 0, first: error });
      this.log.warn({ err: error, outage }, `store ${outage}: answering 503 until it recovers`);
    }
    this.timer ??= setTimeout(() => this.flush(), outageLogIntervalMs).unref();
  }

  private flush(): void {
    this.timer = undefined;
    for (const [outage, { count, first }] of this.pending) {
      if (count > 0) this.log.warn({ outage, requests: count, lastError: first.message }, `store ${outage}: ${count} more requests answered 503 in the last ${outageLogIntervalMs / 1000} s`);
    }
    this.pending.clear();
  }
}

async function errors(app: FastifyInstance) {
  const outages = new OutageLog(app.log);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const fault = toFault(error);
    const outage = fault.code === 800010 ? 'unavailable' : fault.code === 800011 ? 'full' : undefined;
    if (outage && !(error instanceof Fault)) outages.record(outage, error);
    else if (fault.status >= 500) request.log.error({ err: error }, 'unhandled error');
    reply.code(fault.status).headers(fault.headers).type(jsonType).send(JSON.stringify(fault.toJSON()));
  });
  app.setNotFoundHandler((_request, reply) => {
    reply.code(404).type(jsonType).send(gatewayNotFound);
  });
}

export default fp(errors, { name: 'errors' });
