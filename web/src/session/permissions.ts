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

/**
 * Whether the Emulator area is offered: to admin agents only (the control plane itself still
 * demands the emulator's admin token on every call).
 *
 * @example
 * canUseEmulator(); // true for an AdminAgent
 */
export function canUseEmulator(): boolean {
  return normalizeRoles(getSession()?.roles ?? []).includes('AdminAgent');
}
