/**
 * Path ids of the licence and directory-role routes: GUIDs matched in any case.
 */
import { faults } from '../../domain/fault.js';
import { normalizeGuid } from '../../domain/licensing.js';

/**
 * The user id of a route, lower-cased; a non-GUID can name no user (404 / 60002).
 *
 * @example
 * const userId = userIdParam(request.params.userId);
 */
export function userIdParam(value: string): string {
  const id = normalizeGuid(value);
  if (!id) throw faults.userNotFound(value);
  return id;
}
