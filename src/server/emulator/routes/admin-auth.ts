/**
 * The control plane's own credential: `Authorization: Bearer <admin token>`. A missing header is
 * 401 / 800001; anything else that is not the admin token is 401, except a valid partner token,
 * which is 403 / 900150: the caller is known, but a partner cannot steer the emulator.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { TokenService } from '../../../auth/token-service.js';
import { faults } from '../../../domain/fault.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * A check to run on every control-plane request.
 *
 * @example
 * app.addHook('onRequest', adminAuth(adminToken, ctx.tokens));
 */
export function adminAuth(adminToken: string, tokens: TokenService): (request: FastifyRequest) => Promise<void> {
  const expected = digest(adminToken);
  return async (request) => {
    const header = request.headers.authorization;
    if (!header) throw faults.tokenMissing();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw faults.accessDenied('The Authorization header must be "Bearer <admin token>".');
    // Compared as hashes in constant time: the admin token's length and prefix do not leak.
    if (timingSafeEqual(digest(match[1]), expected)) return;
    let partnerToken = false;
    try {
      await tokens.verify(match[1]);
      partnerToken = true;
    } catch {
      // Forged, expired or unknown: not a credential at all.
    }
    if (partnerToken) throw faults.roleLacksRights('emulator.admin');
    throw faults.accessDenied('The token is not the emulator admin token (it changes on every start unless TENANTRY_EMULATOR_ADMIN_TOKEN sets it).');
  };
}
