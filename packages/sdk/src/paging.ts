/**
 * Walks a seek-based collection page by page, exactly like the .NET SDK's
 * `BaseResourceCollectionEnumerator`: GET `links.next.uri` (with `/v1` when missing) carrying
 * `links.next.headers`, until a page has no `links.next`.
 */
import type { PartnerClient } from './partner-client.js';
import type { CallOptions } from './request-context.js';
import type { Link, SeekBasedResourceCollection } from './types.js';

/** Resolves after pending ticks and I/O callbacks have run (setImmediate where there is one: browsers have none). */
const nextMacrotask = () =>
  new Promise<void>((resolve) => {
    const { setImmediate } = globalThis as { setImmediate?: (callback: () => void) => unknown };
    if (setImmediate) setImmediate(resolve);
    else setTimeout(resolve, 0);
  });

/** Call options of a paged walk. */
export interface PagingOptions extends CallOptions {
  /**
   * Pages fetched ahead of the one the caller is working on (default 0: each page is requested
   * when asked for). With 1, the next page downloads while the caller handles the current one, so
   * client and server work at the same time; memory grows by that many pages. Pages still arrive
   * in order, an error surfaces at the page that failed, and stopping early cancels what is in flight.
   */
  readAhead?: number;
}

/**
 * The given page, topped up from the pages after it until it holds at least `size` items or the
 * collection ends: one page of them (`totalCount` their number, the links and continuation of
 * the last page read, so the next page starts after the last item here). A page that is full, or
 * last, is returned as it is. Tenantry may end a page of a search early, even empty, with a next
 * link: a contains text shorter than three characters reads at most 20,000 users per request.
 *
 * @example
 * const page = await fillPage(client, await users.query({ size: 100, filter }), 100);
 */
export async function fillPage<T>(client: PartnerClient, first: SeekBasedResourceCollection<T>, size: number, call: CallOptions = {}): Promise<SeekBasedResourceCollection<T>> {
  let page = first;
  const items = [...first.items];
  while (items.length < size && page.links?.next) {
    page = await client.follow<SeekBasedResourceCollection<T>>(page.links.next, { signal: call.signal, headers: call.headers });
    items.push(...page.items);
  }
  return page === first ? first : { ...page, items, totalCount: items.length };
}

/**
 * Yields the given page and every page after it.
 *
 * @example
 * for await (const page of followPages(client, await users.query({ size: 500 }))) console.log(page.totalCount);
 * for await (const page of followPages(client, first, { readAhead: 1 })) await save(page.items);
 */
export async function* followPages<T>(
  client: PartnerClient,
  first: SeekBasedResourceCollection<T>,
  call: PagingOptions = {},
): AsyncGenerator<SeekBasedResourceCollection<T>, void, undefined> {
  const ahead = Math.max(0, Math.floor(call.readAhead ?? 0));
  if (ahead === 0) {
    let page: SeekBasedResourceCollection<T> = first;
    for (;;) {
      yield page;
      const next = page.links?.next;
      if (!next) return;
      // Each page is its own call: a new MS-RequestId unless the context pinned one.
      page = await client.follow<SeekBasedResourceCollection<T>>(next, { signal: call.signal, headers: call.headers });
    }
  }

  // Each next link is only known once the page before it has answered, so the pages ahead form a
  // chain of requests. A server that sends the next link in the headers as well (Tenantry does:
  // `Link` and `MS-ContinuationToken`) lets the chain move on before this page's body has arrived
  // and been parsed; the body's `links.next` stays the authority and is compared when the page is
  // handed over. Each request gets a signal of its own: fetch keeps its listener on a signal until
  // garbage collection, so one signal shared by thousands of pages slowed every request.
  type Page = SeekBasedResourceCollection<T>;
  interface Ahead {
    page: Promise<Page | undefined>;
    /** The next page's link: from this answer's headers, else from its body. */
    next: Promise<Link | undefined>;
    /** The link this page was asked for with. */
    asked: Promise<Link | undefined>;
    cancel(reason?: unknown): void;
  }
  const pending = new Set<Ahead>();
  let stopped: { reason: unknown } | undefined;
  const stop = (reason?: unknown) => {
    stopped ??= { reason };
    for (const a of pending) a.cancel(reason);
  };
  const onAbort = () => stop(call.signal?.reason);
  if (call.signal?.aborted) onAbort();
  else call.signal?.addEventListener('abort', onAbort, { once: true });
  const arrived = (p: Page): Ahead => ({ page: Promise.resolve(p), next: Promise.resolve(p.links?.next), asked: Promise.resolve(undefined), cancel: () => {} });
  const after = (previous: Ahead): Ahead => {
    const controller = new AbortController();
    let announce!: (link: Link | undefined) => void;
    const next = new Promise<Link | undefined>((resolve) => (announce = resolve));
    const asked = previous.next;
    const page = asked.then(async (link) => {
      if (!link) return undefined;
      if (stopped) throw stopped.reason ?? new Error('Paging stopped');
      return client.follow<Page>(link, { signal: controller.signal, headers: call.headers }, (headers) => {
        const early = linkFromHeaders(headers);
        if (early) announce(early);
      });
    });
    const entry: Ahead = { page, next, asked, cancel: (reason) => controller.abort(reason) };
    pending.add(entry);
    // The first of the headers' link and the body's wins; a failed page has no next one.
    page.then(
      (p) => announce(p?.links?.next),
      () => announce(undefined),
    );
    page.finally(() => pending.delete(entry)).catch(() => {});
    return entry;
  };
  let queue: Ahead[] = [arrived(first)];
  try {
    for (;;) {
      while (queue.length <= ahead) queue.push(after(queue[queue.length - 1]));
      const page = await queue.shift()!.page;
      if (!page) return;
      if (!sameLink(client, page.links?.next, await queue[0].asked)) {
        // The headers named another next page than the body: follow the body, as .NET does.
        for (const a of queue) a.cancel(new Error('Paging restarted from the page body'));
        queue = [arrived(page)];
        while (queue.length <= ahead) queue.push(after(queue[queue.length - 1]));
        queue.shift();
      }
      // The next request has been started, but HTTP clients write it to the socket on a later tick,
      // which a caller busy with this page would hold back until it waits for the next one. One
      // macrotask turn lets it go out first, so the server works while the caller does.
      if (page.links?.next) await nextMacrotask();
      yield page;
    }
  } finally {
    // The caller stopped early, failed or finished: cancel what is still on its way.
    stop();
    call.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * The next page's link from an answer's headers: `Link: <uri>; rel="next"` with its token in
 * `MS-ContinuationToken`, as a Tenantry server sends them beside `links.next`.
 */
function linkFromHeaders(headers: { get(name: string): string | null }): Link | undefined {
  const token = headers.get('ms-continuationtoken');
  const link = /^\s*<([^>]+)>\s*;\s*rel="?next"?\s*$/i.exec(headers.get('link') ?? '');
  if (!token || !link) return undefined;
  return { uri: link[1], method: 'GET', headers: [{ key: 'MS-ContinuationToken', value: token }] };
}

/** Whether two links ask for the same thing: the same URL (with or without `/v1`) and headers. */
function sameLink(client: PartnerClient, a: Link | undefined, b: Link | undefined): boolean {
  if (!a || !b) return a === b;
  const headers = (l: Link) => JSON.stringify((l.headers ?? []).map((h) => [h.key.toLowerCase(), h.value]).sort());
  const url = (l: Link) => client.url(l.uri.startsWith('/') ? l.uri : `/${l.uri}`);
  return url(a) === url(b) && headers(a) === headers(b);
}

/**
 * Yields every item of the given page and the pages after it.
 *
 * @example
 * for await (const user of followItems(client, firstPage)) console.log(user.displayName);
 */
export async function* followItems<T>(client: PartnerClient, first: SeekBasedResourceCollection<T>, call: PagingOptions = {}): AsyncGenerator<T, void, undefined> {
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
