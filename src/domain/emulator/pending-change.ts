/**
 * A write not yet visible to reads in a lagged workspace (issue 12): which entity, what reads keep
 * seeing meanwhile, and until when (workspace time) or for how many more reads.
 */

/** What lags: a user row, a user's licences, or one membership of a user in a directory role. */
export type PendingKind = 'user' | 'license' | 'roleMember';

export interface PendingChange {
  partnerId: string;
  customerId: string;
  kind: PendingKind;
  /** The user id; for `roleMember` `roleId/userId`. */
  entityId: string;
  /** JSON of the state reads still see (a UserRecord, UserLicenseRecord[] or RoleMember); undefined: reads see nothing (not created yet). */
  previousJson?: string;
  /** Workspace time (ISO-8601) from which reads see the change. */
  visibleAt?: string;
  /** Reads that will still see the previous state. */
  readsLeft?: number;
}

/**
 * True while reads must still see the previous state.
 *
 * @example
 * isHidden({ …, visibleAt: '2026-01-01T00:00:30.000Z' }, '2026-01-01T00:00:10.000Z'); // true
 */
export function isHidden(change: PendingChange, nowIso: string): boolean {
  if (change.readsLeft !== undefined) return change.readsLeft > 0;
  return change.visibleAt !== undefined && Date.parse(change.visibleAt) > Date.parse(nowIso);
}

/** The entity id of one role membership. */
export const roleMemberEntity = (roleId: string, userId: string) => `${roleId}/${userId}`;
