import type { Role } from './permissions.js';

/** The authenticated caller of a request. */
export interface Principal {
  /** The partner tenant the caller acts for. */
  partnerId: string;
  /** Subject (user or application) for audit records. */
  subject: string;
  roles: Role[];
  /** App-only tokens (no signed-in user) are refused on user routes, as in Partner Center. */
  appOnly: boolean;
}
