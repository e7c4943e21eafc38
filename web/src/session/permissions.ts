/**
 * What the signed-in account may do, from the same role table the server enforces, so the UI
 * disables actions the server would refuse (the server still checks every call).
 */
import { isAllowed, normalizeRoles, type Operation } from '../../../src/auth/permissions';
import { getSession } from './session';

/**
 * @example
 * can('users.delete'); // false for a HelpdeskAgent
 */
export function can(operation: Operation): boolean {
  const session = getSession();
  return session ? isAllowed(normalizeRoles(session.roles), operation) : false;
}
