/**
 * The entry point, shaped like the .NET SDK's `IPartner`: `partner.customers…` and
 * `partner.with(context)`.
 */
import { PartnerClient, type PartnerClientOptions } from './partner-client.js';
import { ResourceCollectionEnumerator } from './paging.js';
import type { RequestContext } from './request-context.js';
import { CustomerCollectionOperations } from './resources/customers.js';
import type { SeekBasedResourceCollection } from './types.js';

export interface PartnerOperationsOptions extends PartnerClientOptions, RequestContext {}

/** Partner operations for one request context. */
export class PartnerOperations {
  constructor(readonly client: PartnerClient) {}

  /** The partner's customers and, through `byId`, everything below them. */
  get customers(): CustomerCollectionOperations {
    return new CustomerCollectionOperations(this.client, '/customers');
  }

  /** Enumerators over pages you already hold (`partner.Enumerators…Create(page)` in .NET). */
  get enumerators() {
    return { create: <T>(page: SeekBasedResourceCollection<T>) => new ResourceCollectionEnumerator<T>(this.client, page) };
  }

  /** The correlation id sent on every call of this context. */
  get correlationId(): string {
    return this.client.context.correlationId;
  }

  /**
   * Operations with another request context, as `partner.With(RequestContextFactory.Instance.Create(…))`.
   * A pinned `requestId` is sent on every call made through the result.
   *
   * @example
   * const traced = partner.with({ correlationId: crypto.randomUUID(), locale: 'fr-FR' });
   */
  with(context: RequestContext): PartnerOperations {
    return new PartnerOperations(this.client.withContext(context));
  }
}

/**
 * Creates partner operations against a Tenantry server or Partner Center itself.
 *
 * @example
 * const partner = createPartnerOperations({ baseUrl: 'http://127.0.0.1:8080', credentials: { token } });
 * for await (const user of partner.customers.byId(customerId).users.all()) console.log(user.displayName);
 */
export function createPartnerOperations(options: PartnerOperationsOptions): PartnerOperations {
  const { correlationId, requestId, locale, ...client } = options;
  return new PartnerOperations(new PartnerClient(client, { correlationId, requestId, locale }));
}
