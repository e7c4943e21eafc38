/**
 * Emulator faults (issue 12) on /v1 requests, after authentication: the `Tenantry-Fault` header,
 * the workspace's fault rules, and the Retry-After check. A workspace is a partner: its id is the
 * authenticated principal's partner id.
 *
 * Effects: a Partner Center-shaped answer (sent from the onRequest hook, so the product never
 * runs), added latency (then the request goes on), a dropped connection (the socket destroyed
 * with no answer), and a truncated body (the real answer's first half with the full
 * Content-Length, then the socket destroyed).
 *
 * The page of a list walk: page 1 is a call without a continuation token; when a page is answered
 * with a continuation token, the token is remembered with the next page number, so a call that
 * sends it is page k + 1. This memory is per process (bounded), so with `--workers N` a walk whose
 * pages land on different workers has no page number there and page rules do not match it.
 *
 * Retry-After check (as Dev Proxy's): once a workspace was answered with a Retry-After (a 429 or
 * 503, from a rule or from the real throttle), any request of the same workspace and operation
 * before that time has passed is answered 429 again and recorded as a violation (`request.emulator.checks`).
 * Also per process.
 */
import { Readable } from 'node:stream';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { systemClock, type Clock } from '../../domain/clock.js';
import { Fault } from '../../domain/fault.js';
import { nextOfListAnswer } from '../../domain/emulator/client-checks.js';
import { faultAnswer, latencyOf, parseFaultHeader } from '../../domain/emulator/fault-rules.js';
import type { FaultEffect } from '../../schemas/emulator/fault-rule.js';
import type { FaultRequest } from '../../domain/emulator/fault-rules.js';
import { FaultService } from '../../services/emulator/fault-service.js';
import type { Store } from '../../store/store.js';
import type { EmulatorConfig } from '../config.js';

/** What the emulator learned about one request (read by the journal). */
export interface EmulatorRequestState {
  /** The rule that fired, or `header` for a Tenantry-Fault header. */
  faultRuleId?: string;
  /** Client checks the request tripped, by name. */
  checks: string[];
  truncate?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    emulatorFaults: FaultService;
  }
  interface FastifyRequest {
    emulator: EmulatorRequestState | null;
  }
}

/** Name of the Retry-After client check. */
export const retryBeforeRetryAfter = 'retryBeforeRetryAfter';

const maxRemembered = 10_000;

/** A Map that forgets its oldest entries past `max` (insertion order). */
function remember<K, V>(map: Map<K, V>, key: K, value: V, max = maxRemembered) {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as K);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function faultsPlugin(app: FastifyInstance, opts: { store: Store; emulator: EmulatorConfig; clock?: Clock }) {
  const clock = opts.clock ?? systemClock;
  const service = new FaultService(opts.store);
  app.decorate('emulatorFaults', service);
  app.decorateRequest('emulator', null);
  if (opts.emulator.faultProfile) await service.add(opts.emulator.faultProfile.partnerId, opts.emulator.faultProfile.rules);

  /** continuation token → the page it opens. */
  const pageOfToken = new Map<string, number>();
  /** `${partnerId}\n${operation}` → time (ms) before which calls violate a Retry-After. */
  const retryAfterUntil = new Map<string, number>();
  // A restored workspace's clock may go back a month: its Retry-After deadlines are void.
  service.onForget((partnerId) => {
    for (const key of retryAfterUntil.keys()) if (key.startsWith(`${partnerId}\n`)) retryAfterUntil.delete(key);
  });

  /** The page of a walk a request asks for: 1 without a continuation token, else the one its token opens (if known). */
  const pageOf = (request: FastifyRequest): number | undefined => {
    const token = request.headers['ms-continuationtoken'];
    return typeof token !== 'string' || token === '' ? 1 : pageOfToken.get(token);
  };

  const answer = (reply: FastifyReply, status: number, retryAfter?: number) => {
    const a = faultAnswer(status, retryAfter);
    return reply.code(a.status).headers(a.headers).type('application/json; charset=utf-8').send(a.body);
  };

  /** A rule's effect on a request: latency, then a dropped connection, a truncated body or an answer. */
  const apply = async (request: FastifyRequest, reply: FastifyReply, effect: FaultEffect, state: EmulatorRequestState) => {
    const latency = latencyOf(effect, Math.random());
    if (latency > 0) await sleep(latency);
    if (effect.drop) {
      reply.hijack();
      request.raw.socket?.destroy();
      return;
    }
    if (effect.truncate) state.truncate = true;
    if (effect.status !== undefined) answer(reply, effect.status, effect.retryAfter);
  };

  const decideAndApply = async (request: FastifyRequest, reply: FastifyReply, partnerId: string, faultRequest: FaultRequest, state: EmulatorRequestState) => {
    const hit = await service.decide(partnerId, faultRequest);
    if (!hit) return;
    state.faultRuleId = hit.ruleId;
    await apply(request, reply, hit.effect, state);
  };

  // A callback hook: most requests meet no rule, and are let through without a promise. (Calling
  // `done` after an answer was sent or the request hijacked is a no-op in fastify's hook runner.)
  app.addHook('onRequest', (request, reply, done) => {
    const operation = request.routeOptions.config.operationId;
    if (!operation || !request.principal) return done();
    const partnerId = request.principal.partnerId;
    const state: EmulatorRequestState = { checks: [] };
    request.emulator = state;

    const key = `${partnerId}\n${operation}`;
    const until = retryAfterUntil.get(key);
    if (until !== undefined) {
      const left = until - clock.now().getTime();
      if (left > 0) {
        state.checks.push(retryBeforeRetryAfter);
        answer(reply, 429, Math.ceil(left / 1000));
        return done();
      }
      retryAfterUntil.delete(key);
    }

    const header = request.headers['tenantry-fault'];
    if (typeof header === 'string') {
      const parsed = parseFaultHeader(header);
      if ('problems' in parsed) return done(new Fault(400, 800002, `The Tenantry-Fault header is not valid: ${parsed.problems.join('; ')}`, parsed.problems));
      state.faultRuleId = 'header';
      apply(request, reply, parsed.effect, state).then(() => done(), done);
      return;
    }
    const page = pageOf(request);
    const customerId = (request.params as Record<string, unknown> | undefined)?.customerId;
    const faultRequest: FaultRequest = { method: request.method, operation, customerId: typeof customerId === 'string' ? customerId : undefined, page };
    if (service.firesNothing(partnerId, faultRequest)) return done();
    decideAndApply(request, reply, partnerId, faultRequest, state).then(() => done(), done);
  });

  /** After a list page answered with a continuation token: the token opens the next page. */
  const rememberNextPage = (request: FastifyRequest, payload: string | Buffer) => {
    // The token is in the envelope's head, before the items.
    const next = nextOfListAnswer(typeof payload === 'string' ? payload.slice(0, 8192) : payload.subarray(0, 8192).toString('latin1'), '');
    const page = pageOf(request);
    if (next && page !== undefined) remember(pageOfToken, next.continuationToken, page + 1);
  };

  // A callback hook as well: the page memory is needed only when a rule matches on pages.
  app.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: Error | null, payload?: unknown) => void) => {
    const state = request.emulator;
    if (!state) return done(null, payload);
    const operation = request.routeOptions.config.operationId!;
    const partnerId = request.principal.partnerId;
    const retryAfter = reply.getHeader('retry-after');
    if ((reply.statusCode === 429 || reply.statusCode === 503) && retryAfter !== undefined && !state.checks.includes(retryBeforeRetryAfter)) {
      const seconds = Number(retryAfter);
      if (Number.isFinite(seconds) && seconds > 0) remember(retryAfterUntil, `${partnerId}\n${operation}`, clock.now().getTime() + seconds * 1000);
    }
    const finish = () => {
      if (state.truncate && (typeof payload === 'string' || Buffer.isBuffer(payload))) {
        const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
        reply.header('content-length', String(body.length));
        // Half the body ends the response short of its Content-Length; once that half is flushed
        // the socket is closed, so the client sees a body cut off mid-way.
        reply.raw.once('finish', () => reply.raw.socket?.destroy());
        return done(null, Readable.from([body.subarray(0, Math.floor(body.length / 2))]));
      }
      done(null, payload);
    };
    if (reply.statusCode !== 200 || !operation.endsWith('.list') || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) return finish();
    const listPayload = payload;
    const needsPages = service.needsPagesNow(partnerId);
    if (needsPages !== undefined) {
      if (needsPages) rememberNextPage(request, listPayload);
      return finish();
    }
    service.needsPages(partnerId).then((needed) => {
      if (needed) rememberNextPage(request, listPayload);
      finish();
    }, (err: Error) => done(err));
  });
}

export default fp(faultsPlugin, { name: 'emulator-faults', dependencies: ['auth'] });
