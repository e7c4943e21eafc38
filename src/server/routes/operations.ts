/**
 * Operational endpoints, public by design: health, readiness, Prometheus metrics, JWKS.
 */
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { AppContext } from '../context.js';

export default async function operationRoutes(app: FastifyInstance, ctx: AppContext & { metrics: Registry }) {
  const hide = { hide: true };
  app.get('/healthz', { schema: hide }, async (_req, reply) => reply.type('application/json; charset=utf-8').send('{"status":"ok"}'));
  app.get('/readyz', { schema: hide }, async (_req, reply) => {
    try {
      await ctx.store.getOrSetSetting('ready_probe', '1');
      return reply.type('application/json; charset=utf-8').send('{"status":"ready"}');
    } catch {
      return reply.code(503).type('application/json; charset=utf-8').send('{"status":"database unavailable"}');
    }
  });
  app.get('/metrics', { schema: hide }, async (_req, reply) => reply.type(ctx.metrics.contentType).send(await ctx.metrics.metrics()));
  app.get('/.well-known/jwks.json', { schema: hide }, async (_req, reply) => reply.type('application/json; charset=utf-8').send(JSON.stringify(await ctx.tokens.jwks())));
}
