/**
 * Partner Center's error payload (ApiFault) and the faults Tenantry raises.
 *
 * Codes marked "Tenantry" are our choice where Partner Center publishes none; the official SDKs
 * only need `code`, `description` and the HTTP status (which decides the SDK's retry policy, so
 * every input problem is a 400 or a 409, never a 422 or a 500).
 */
export interface ApiFault {
  code: number;
  description: string;
  data: unknown[];
  source: 'PartnerFD';
}

/** A fault carrying its HTTP status; thrown anywhere, rendered by the error plugin. */
export class Fault extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly description: string,
    readonly data: unknown[] = [],
    /** Extra response headers, e.g. `WWW-Authenticate`. */
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
    this.name = 'Fault';
  }

  toJSON(): ApiFault {
    return { code: this.code, description: this.description, data: this.data, source: 'PartnerFD' };
  }
}

/**
 * Every fault the service emits, by name, so routes never invent codes inline.
 *
 * @example
 * throw faults.userNotFound(userId);
 */
export const faults = {
  /** 401 / 800001: no bearer token at all. */
  tokenMissing: () =>
    new Fault(401, 800001, 'Partner Token missing in request context.', [], { 'WWW-Authenticate': 'Bearer' }),
  /** 401 / 400: a token was sent but is not acceptable (Partner Center's "Access denied"). */
  accessDenied: (reason: string) =>
    new Fault(401, 400, 'Access denied', [reason], { 'WWW-Authenticate': 'Bearer error="invalid_token"' }),
  /** 403 / 20002: the customer is not related to the partner (also when it does not exist: no leak). */
  noRelationship: (partnerId: string, customerId: string) =>
    new Fault(403, 20002, `The partner id ${partnerId} has no commerce relationship with the customer id ${customerId}.`),
  /** 403 / 900150: the caller's roles do not allow the operation. */
  roleLacksRights: (operation: string) =>
    new Fault(403, 900150, 'The supplied role does not have the rights to perform the requested operation.', [operation]),
  /** 403 / 600006 (Tenantry's choice of code): app-only tokens on user routes, as Partner Center refuses them. */
  appCredentialsRefused: () =>
    new Fault(403, 600006, "This resource can't be accessed by application credentials."),
  /** 400 / 800002: the request does not have the expected shape. */
  invalidInput: (description: string, data: unknown[] = []) => new Fault(400, 800002, description, data),
  /** 400 / 900118: a customer id that is not a GUID. */
  invalidCustomerId: (value: string) => new Fault(400, 900118, 'Invalid Customer Id', [value]),
  /** 400 / 2000: a required property is absent. */
  required: (property: string) => new Fault(400, 2000, `${property} is required.`, [property]),
  /** 400 / 3000: a property is present but its value is not acceptable. */
  invalidProperty: (property: string, reason: string) =>
    new Fault(400, 3000, `Invalid property ${property}: ${reason}`, [property]),
  /** 404 / 60002. */
  userNotFound: (userId: string) => new Fault(404, 60002, 'User object Id is not found', [userId]),
  /** 409 / 60011 (Tenantry): the user principal name is taken in this customer. */
  userPrincipalNameTaken: (upn: string) =>
    new Fault(409, 60011, `A user with the user principal name ${upn} already exists in this customer.`, [upn]),
  /** 409 / 60013 (Tenantry): restoring would clash with an active user holding the same name. */
  restoreConflict: (upn: string) =>
    new Fault(
      409,
      60013,
      `The user cannot be restored because the user principal name ${upn} is now used by another user. ` +
        'Restore it under a new name by sending userPrincipalName together with state active.',
      [upn],
    ),
  /** 409 / 60014 (Tenantry): an active user was asked for something only a deleted user allows, or the reverse. */
  userStateConflict: (description: string) => new Fault(409, 60014, description),
  /** 409 / 60015 (Tenantry): a customer with this domain already exists. */
  domainTaken: (domain: string) => new Fault(409, 60015, `The domain ${domain} is already in use.`, [domain]),
  /** 400 / 800002: a continuation token that was edited, expired or belongs to another query. */
  invalidContinuationToken: () =>
    new Fault(400, 800002, 'The continuation token is not valid for this request.', ['MS-ContinuationToken']),
  /**
   * 503 / 800010 (Tenantry): the database cannot be reached (restarting, down, refusing
   * connections). Shaped like Partner Center's ServerBusy: the .NET SDK retries a 503 with the
   * same MS-RequestId after 0.5, 1.5 and 3.5 s; `Retry-After` says when trying again makes sense.
   */
  storeUnavailable: (retryAfterSeconds: number) =>
    new Fault(503, 800010, 'The service is busy: its database is unavailable. Try again later.', ['storeUnavailable'], { 'Retry-After': String(retryAfterSeconds) }),
  /**
   * 503 / 800011 (Tenantry): the database has no space left for writes (SQLite SQLITE_FULL,
   * PostgreSQL 53100). Reads are still served; writes succeed again once space is freed.
   */
  storageFull: (retryAfterSeconds: number) =>
    new Fault(503, 800011, 'The service is busy: its storage is full, so changes cannot be saved. Try again later.', ['storageFull'], { 'Retry-After': String(retryAfterSeconds) }),
  /** 500 / 800003. */
  unexpected: () => new Fault(500, 800003, 'Unexpected service error'),
} as const;
