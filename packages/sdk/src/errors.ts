/**
 * PartnerError: what every failed call throws, with the HTTP status, the ApiFault fields and the
 * category the official .NET SDK assigns to the status.
 */

/** The .NET SDK's `PartnerErrorCategory`, in lower camel case. */
export type PartnerErrorCategory =
  | 'badInput'
  | 'unauthorized'
  | 'forbidden'
  | 'notFound'
  | 'invalidOperation'
  | 'unsupportedDataFormat'
  | 'requestTimeout'
  | 'alreadyExists'
  | 'tooManyRequests'
  | 'serverBusy'
  | 'serverError'
  | 'timeout'
  | 'networkError';

const categories: Record<number, PartnerErrorCategory> = {
  400: 'badInput',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'notFound',
  405: 'invalidOperation',
  406: 'unsupportedDataFormat',
  408: 'requestTimeout',
  409: 'alreadyExists',
  429: 'tooManyRequests',
  503: 'serverBusy',
};

/**
 * The category of an HTTP status, as `DefaultPartnerServiceErrorHandler` maps it.
 *
 * @example
 * categoryOfStatus(409); // 'alreadyExists'
 */
export function categoryOfStatus(status: number): PartnerErrorCategory {
  return categories[status] ?? 'serverError';
}

export interface PartnerErrorInit {
  status: number;
  code?: number | string;
  description?: string;
  data?: unknown[];
  category?: PartnerErrorCategory;
  requestId?: string;
  correlationId?: string;
  retryAfterSeconds?: number;
  cause?: unknown;
}

/**
 * A failed Partner Center call. `status` is 0 when no HTTP answer arrived (network error).
 *
 * @example
 * try { await partner.customers.byId(id).users.byId(uid).get(); }
 * catch (e) { if (e instanceof PartnerError && e.category === 'notFound') console.log(e.code); }
 */
export class PartnerError extends Error {
  readonly status: number;
  /** The ApiFault code (a number from Tenantry and Partner Center), or undefined without a fault body. */
  readonly code: number | string | undefined;
  readonly description: string;
  readonly data: unknown[];
  readonly category: PartnerErrorCategory;
  /** The MS-RequestId of the call, the same on every retry. */
  readonly requestId: string | undefined;
  readonly correlationId: string | undefined;
  /** For 429: the server's Retry-After, in seconds. */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: PartnerErrorInit) {
    const description = init.description ?? `HTTP ${init.status}`;
    super(init.code !== undefined ? `${init.code}: ${description}` : description, init.cause !== undefined ? { cause: init.cause } : undefined);
    this.name = 'PartnerError';
    this.status = init.status;
    this.code = init.code;
    this.description = description;
    this.data = init.data ?? [];
    this.category = init.category ?? categoryOfStatus(init.status);
    this.requestId = init.requestId;
    this.correlationId = init.correlationId;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

/**
 * Reads an error body: an ApiFault (code, description, data), the gateway's `{statusCode, message}`
 * or plain text.
 */
export function faultFromBody(text: string): Pick<PartnerErrorInit, 'code' | 'description' | 'data'> {
  if (!text) return {};
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    if (body && typeof body === 'object') {
      const get = (name: string) => Object.entries(body).find(([k]) => k.toLowerCase() === name)?.[1];
      const code = get('code');
      const description = get('description') ?? get('message');
      const data = get('data');
      return {
        code: typeof code === 'number' || typeof code === 'string' ? code : undefined,
        description: typeof description === 'string' ? description : undefined,
        data: Array.isArray(data) ? data : undefined,
      };
    }
  } catch {
    // Not JSON: keep the text as the description.
  }
  return { description: text.slice(0, 1024) };
}
