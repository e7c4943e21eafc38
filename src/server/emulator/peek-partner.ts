/**
 * Reads the partner tenant (`tid`) of a bearer token WITHOUT checking it, only to choose which
 * workspace clock the token is then verified with. Nothing is trusted from it: the auth hook
 * verifies the token on that clock, and the plugin confirms the verified partner is the same.
 */
import { guidPattern } from '../../domain/guid.js';

/**
 * Authorization header → its partner, for the last few tokens that name one (a test suite sends
 * the same few tokens over and over). Bounded in count and length, as anyone can send headers:
 * at most ~2 MB.
 */
const seen = new Map<string, string>();
const maxSeen = 1000;
const maxRememberedLength = 2048;

/**
 * @example
 * peekPartner('Bearer eyJ…'); // '3c9a…' or undefined
 */
export function peekPartner(authorization: string | undefined): string | undefined {
  if (!authorization || authorization.length > 8192) return undefined;
  const known = seen.get(authorization);
  if (known !== undefined) return known;
  const partnerId = readPartner(authorization);
  if (partnerId !== undefined && authorization.length <= maxRememberedLength) {
    seen.set(authorization, partnerId);
    if (seen.size > maxSeen) seen.delete(seen.keys().next().value as string);
  }
  return partnerId;
}

function readPartner(authorization: string): string | undefined {
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
