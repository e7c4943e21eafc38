/**
 * Authentication and role checks. A route opts in by declaring `config.operation`; the bearer
 * token is verified before the body is even parsed, and the caller's roles must grant the
 * operation. User routes also refuse app-only tokens, as Partner Center does.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { isAllowed, type Operation } from '../../auth/permissions.js';
import type { Principal } from '../../auth/principal.js';
import type { TokenService } from '../../auth/token-service.js';
import { faults } from '../../domain/fault.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The operation a route performs; routes without one are public. */
    operation?: Operation;
    /** Whether the route works on a customer's users (app-only tokens refused). */
    userRoute?: boolean;
  }
  interface FastifyRequest {
    principal: Principal;
  }
}

async function auth(app: FastifyInstance, { tokens }: { tokens: TokenService }) {
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRequest', async (request) => {
    const { operation, userRoute } = request.routeOptions.config;
    if (!operation) return;
    const header = request.headers.authorization;
    if (!header) throw faults.tokenMissing();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw faults.accessDenied('The Authorization header must be "Bearer <token>".');
    const principal = await tokens.verify(match[1]);
    if (userRoute && principal.appOnly) throw faults.appCredentialsRefused();
    if (!isAllowed(principal.roles, operation)) throw faults.roleLacksRights(operation);
    request.principal = principal;
  });
}

export default fp(auth, { name: 'auth' });
