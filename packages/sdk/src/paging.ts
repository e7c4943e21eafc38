/**
 * Walks a seek-based collection page by page, exactly like the .NET SDK's
 * `BaseResourceCollectionEnumerator`: GET `links.next.uri` (with `/v1` when missing) carrying
 * `links.next.headers`, until a page has no `links.next`.
 */
import type { PartnerClient } from './partner-client.js';
import type { CallOptions } from './request-context.js';
import type { SeekBasedResourceCollection } from './types.js';

/**
 * Yields the given page and every page after it.
 *
 * @example
 * for await (const page of followPages(client, await users.query({ size: 500 }))) console.log(page.totalCount);
 */
export async function* followPages<T>(
  client: PartnerClient,
  first: SeekBasedResourceCollection<T>,
  call: CallOptions = {},
): AsyncGenerator<SeekBasedResourceCollection<T>, void, undefined> {
  let page: SeekBasedResourceCollection<T> = first;
  for (;;) {
    yield page;
    const next = page.links?.next;
    if (!next) return;
    // Each page is its own call: a new MS-RequestId unless the context pinned one.
    page = await client.follow<SeekBasedResourceCollection<T>>(next, { signal: call.signal, headers: call.headers });
  }
}

/**
 * Yields every item of the given page and the pages after it.
 *
 * @example
 * for await (const user of followItems(client, firstPage)) console.log(user.displayName);
 */
export async function* followItems<T>(client: PartnerClient, first: SeekBasedResourceCollection<T>, call: CallOptions = {}): AsyncGenerator<T, void, undefined> {
  for await (const page of followPages(client, first, call)) yield* page.items;
}

/**
 * Partner Center's enumerator factory, for code that holds a page already
 * (`partner.Enumerators.CustomerUsers.Create(batch)` in .NET).
 *
 * @example
 * const e = partner.enumerators.create(firstPage);
 * while (!e.isLastPage) { await e.next(); console.log(e.current.items.length); }
 */
export class ResourceCollectionEnumerator<T> {
  current: SeekBasedResourceCollection<T>;

  constructor(
    private readonly client: PartnerClient,
    first: SeekBasedResourceCollection<T>,
  ) {
    this.current = first;
  }

  get isLastPage(): boolean {
    return !this.current.links?.next;
  }

  /** Moves to the next page; throws at the last page. */
  async next(call: CallOptions = {}): Promise<SeekBasedResourceCollection<T>> {
    const next = this.current.links?.next;
    if (!next) throw new Error('This is the last page');
    this.current = await this.client.follow<SeekBasedResourceCollection<T>>(next, call);
    return this.current;
  }
}
