/**
 * Reads the partner tenant (`tid`) of a bearer token WITHOUT checking it, only to choose which
 * workspace clock the token is then verified with. Nothing is trusted from it: the auth hook
 * verifies the token on that clock, and the plugin confirms the verified partner is the same.
 */
import { guidPattern } from '../../domain/guid.js';

/**
 * @example
 * peekPartner('Bearer eyJ…'); // '3c9a…' or undefined
 */
export function peekPartner(authorization: string | undefined): string | undefined {
  if (!authorization || authorization.length > 8192) return undefined;
  const match = /^Bearer\s+([\w-]+)\.([\w-]+)\.[\w-]*\s*$/i.exec(authorization);
  if (!match) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(match[2], 'base64url').toString('utf8')) as { tid?: unknown };
    const tid = typeof claims?.tid === 'string' ? claims.tid.toLowerCase() : undefined;
    return tid !== undefined && guidPattern.test(tid) ? tid : undefined;
  } catch {
    return undefined;
  }
}
