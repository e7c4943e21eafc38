/**
 * What every resource operations class holds: the client and its own path below `/v1`.
 * Sub-resources extend the chain with `this.child(...)`.
 */
import type { PartnerClient } from '../partner-client.js';

export abstract class ResourceOperations {
  constructor(
    readonly client: PartnerClient,
    /** Path below `/v1`, e.g. `/customers/{id}/users`. */
    readonly path: string,
  ) {}

  /** The path of a child segment, URL-encoded. */
  protected child(...segments: string[]): string {
    return `${this.path}/${segments.map(encodeURIComponent).join('/')}`;
  }
}
