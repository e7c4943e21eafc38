/**
 * Throttling like Partner Center's gateway: every authenticated request counts against its
 * partner's budget and, on customer routes, the (partner, customer) budget, reads and writes
 * apart. Counters live in the store so several server processes share them; the requests of one
 * event-loop turn are counted with one write ({@link RequestCounter}). Over budget, the
 * answer is the gateway's 429 body with an integer Retry-After; every counted response carries
 * X-RateLimit-Limit/Remaining/Reset (Reset in epoch seconds, as Okta and GitHub send it).
 *
 * Registered after the auth plugin: its onRequest hook has set `request.principal` by then.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { bindingCounter, isWrite, throttledBody, type RateLimitConfig } from '../../domain/rate-limit.js';
import type { RateCounterKey, Store } from '../../store/store.js';
import { classifyStoreError } from '../../store/store-error.js';
import { jsonType } from '../reply.js';
import { guidPattern } from '../../domain/guid.js';
import { RequestCounter } from '../../services/request-counter.js';

export interface RateLimitOptions {
  store: Store;
  rateLimit: RateLimitConfig;
  /** The clock, in milliseconds (tests move it). */
  now?: () => number;
  /**
   * The clock of counter housekeeping (default: `now`). Real time in the app: counters are
   * purged by age in the store, and a clock that runs ahead for one partner (an emulator
   * workspace) must not purge the live counters of everybody else.
   */
  purgeNow?: () => number;
}

async function rateLimit(app: FastifyInstance, { store, rateLimit: config, now = Date.now, purgeNow = now }: RateLimitOptions) {
  if (!config.enabled) return;
  const { windowSeconds, partnerReads, partnerWrites, customerReads, customerWrites } = config.budgets;
  let lastPurgedWindow = 0;
  const counter = new RequestCounter(store);

  app.addHook('onRequest', async (request, reply) => {
    const principal = request.principal;
    // Public routes, and requests the auth hook refused, are not counted.
    if (!principal || !request.routeOptions.config.operation) return;
    const write = isWrite(request.method);
    const kind = write ? 'write' : 'read';
    const keys: RateCounterKey[] = [{ partnerId: principal.partnerId, customerId: '', kind }];
    const limits = [write ? partnerWrites : partnerReads];
    const customerId = (request.params as { customerId?: unknown } | undefined)?.customerId;
    if (typeof customerId === 'string' && guidPattern.test(customerId.toLowerCase())) {
      keys.push({ partnerId: principal.partnerId, customerId: customerId.toLowerCase(), kind });
      limits.push(write ? customerWrites : customerReads);
    }

    const nowSeconds = now() / 1000;
    const windowStart = Math.floor(nowSeconds / windowSeconds) * windowSeconds;
    const windowEnd = windowStart + windowSeconds;
    let counts: number[];
    try {
      const purgeWindow = Math.floor(purgeNow() / 1000 / windowSeconds) * windowSeconds;
      if (purgeWindow > lastPurgedWindow) {
        // Once per window per process: drop counters older than the previous window.
        lastPurgedWindow = purgeWindow;
        await store.purgeRateCounters(purgeWindow - windowSeconds);
      }
      counts = await counter.count(keys, windowStart);
    } catch (err) {
      // A throttling failure must not take the API down with it: serve, and say why in the log.
      // A store outage is logged once per interval by the error plugin (the request meets it
      // there if it needs the store); a line per request here would flood the log.
      if (classifyStoreError(err) === undefined) request.log.warn({ err }, 'rate limit counters unavailable');
      return;
    }

    const binding = bindingCounter(counts.map((count, i) => ({ count, limit: limits[i] })));
    reply.header('X-RateLimit-Limit', String(binding.limit));
    reply.header('X-RateLimit-Remaining', String(Math.max(0, binding.limit - binding.count)));
    reply.header('X-RateLimit-Reset', String(windowEnd));
    if (counts.some((count, i) => count > limits[i])) {
      const retryAfter = Math.max(1, Math.ceil(windowEnd - nowSeconds));
      request.log.info({ partnerId: principal.partnerId, customerId, kind }, 'throttled');
      return reply.code(429).header('Retry-After', String(retryAfter)).type(jsonType).send(throttledBody(retryAfter));
    }
  });
}

export default fp(rateLimit, { name: 'rate-limit', dependencies: ['auth'] });
