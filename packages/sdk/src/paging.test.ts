import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PartnerClient } from './partner-client.js';
import { fillPage, followPages } from './paging.js';
import type { SeekBasedResourceCollection } from './types.js';

type Page = SeekBasedResourceCollection<{ n: number }>;

/** Page `i` of `count`, its next link carrying the number of the page after it. */
function page(i: number, count: number): Page {
  const next = i + 1 < count ? { uri: '/customers/c/users?seekOperation=Next', method: 'GET', headers: [{ key: 'MS-ContinuationToken', value: String(i + 1) }] } : undefined;
  return { totalCount: 2, items: [{ n: 2 * i }, { n: 2 * i + 1 }], links: next ? { next } : {}, attributes: { objectType: 'Collection' } } as unknown as Page;
}

/** A server of `count` pages over a fake fetch that records each request and whether it was aborted. */
function fakeServer(count: number, options: { failAt?: number; hold?: (i: number) => Promise<void>; holdBody?: (i: number) => Promise<void>; headerToken?: (i: number) => string | undefined } = {}) {
  const requests: { page: number; signal?: AbortSignal }[] = [];
  const fetch = (async (_url: string, init: RequestInit) => {
    const i = Number((init.headers as Record<string, string>)['MS-ContinuationToken']);
    // Like node:http and undici, the request only goes out on a later tick.
    await new Promise<void>((sent) =>
      process.nextTick(() => {
        requests.push({ page: i, signal: init.signal ?? undefined });
        sent();
      }),
    );
    await options.hold?.(i);
    init.signal?.throwIfAborted();
    if (i === options.failAt) return new Response(JSON.stringify({ code: 404, description: `page ${i} is gone` }), { status: 404 });
    // Like a Tenantry server, the next page's link may come in the headers too, before the body.
    const token = options.headerToken ? options.headerToken(i) : undefined;
    const headers: Record<string, string> = token === undefined ? {} : { link: '</v1/customers/c/users?seekOperation=Next>; rel="next"', 'ms-continuationtoken': token };
    const body = new TextEncoder().encode(JSON.stringify(page(i, count)));
    const holdBody = options.holdBody?.(i);
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await holdBody;
        controller.enqueue(body);
        controller.close();
      },
    });
    return new Response(stream, { status: 200, headers });
  }) as typeof globalThis.fetch;
  const client = new PartnerClient({ baseUrl: 'http://tenantry.test', fetch, retry: { maxRetries: 0 } });
  return { client, requests };
}

const numbers = async (pages: AsyncIterable<Page>) => {
  const seen: number[] = [];
  for await (const p of pages) seen.push(...p.items.map((x) => x.n));
  return seen;
};

describe('followPages with read-ahead', () => {
  test('yields the same items in the same order as without read-ahead, for any depth', async () => {
    const expected = await numbers(followPages(fakeServer(7).client, page(0, 7)));
    assert.deepEqual(expected, Array.from({ length: 14 }, (_, i) => i));
    for (const readAhead of [1, 2, 10]) {
      const { client, requests } = fakeServer(7);
      assert.deepEqual(await numbers(followPages(client, page(0, 7), { readAhead })), expected, `readAhead ${readAhead}`);
      assert.deepEqual(requests.map((r) => r.page), [1, 2, 3, 4, 5, 6], 'each page requested once');
      // fetch leaves a listener on its signal until GC: a signal per request keeps that from piling up.
      assert.equal(new Set(requests.map((r) => r.signal)).size, requests.length, 'a signal per request');
    }
    assert.deepEqual(await numbers(followPages(fakeServer(1).client, page(0, 1), { readAhead: 1 })), [0, 1], 'a single page');
  });

  test('the next request is out before the caller gets the current page, and no further one', async () => {
    const { client, requests } = fakeServer(5);
    const pages = followPages(client, page(0, 5), { readAhead: 1 });
    await pages.next();
    // Checked at once: a caller busy with the page without awaiting I/O must not hold the request back.
    assert.deepEqual(requests.map((r) => r.page), [1], 'page 1 is on its way while page 0 is handled');
    await pages.next();
    assert.deepEqual(requests.map((r) => r.page), [1, 2]);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(requests.map((r) => r.page), [1, 2], 'one page ahead only');
    await pages.return();
  });

  test('an error surfaces at the failing page, after every page before it', async () => {
    const { client } = fakeServer(6, { failAt: 3 });
    const seen: number[] = [];
    await assert.rejects(async () => {
      for await (const p of followPages(client, page(0, 6), { readAhead: 2 })) seen.push(p.items[0].n / 2);
    }, /page 3 is gone/);
    assert.deepEqual(seen, [0, 1, 2]);
  });

  test('stopping early cancels the request in flight and starts no other', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const { client, requests } = fakeServer(6, { hold: (i) => (i === 2 ? held : Promise.resolve()) });
    for await (const p of followPages(client, page(0, 6), { readAhead: 1 })) {
      if (p.items[0].n === 2) break;
    }
    assert.deepEqual(requests.map((r) => r.page), [1, 2]);
    assert.equal(requests[1].signal?.aborted, true, 'the read-ahead request is aborted');
    release();
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(requests.map((r) => r.page), [1, 2], 'nothing after it');
  });

  test('a next link in the headers starts the page after while the body before it is still arriving', async () => {
    let releaseBody!: () => void;
    const bodyHeld = new Promise<void>((r) => (releaseBody = r));
    const { client, requests } = fakeServer(5, { holdBody: (i) => (i === 1 ? bodyHeld : Promise.resolve()), headerToken: (i) => (i + 1 < 5 ? String(i + 1) : undefined) });
    const pages = followPages(client, page(0, 5), { readAhead: 1 });
    await pages.next();
    const second = pages.next();
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(requests.map((r) => r.page), [1, 2], "page 2 was asked for from page 1's headers, its body still held");
    releaseBody();
    assert.equal((await second).value?.items[0].n, 2);
    const rest: number[] = [];
    for await (const p of pages) rest.push(p.items[0].n / 2);
    assert.deepEqual(rest, [2, 3, 4]);
    assert.deepEqual(requests.map((r) => r.page), [1, 2, 3, 4], 'each page requested once');
  });

  test('when the headers name another page than the body, the walk follows the body', async () => {
    // Page 1's headers point at page 4; its body (the authority, as in .NET) at page 2.
    const { client, requests } = fakeServer(5, { headerToken: (i) => (i === 1 ? '4' : i + 1 < 5 ? String(i + 1) : undefined) });
    assert.deepEqual(await numbers(followPages(client, page(0, 5), { readAhead: 1 })), Array.from({ length: 10 }, (_, i) => i));
    const four = requests.filter((r) => r.page === 4);
    assert.ok(four.length <= 2 && requests.filter((r) => r.page === 2).length === 1, JSON.stringify(requests.map((r) => r.page)));
    if (four.length === 2) assert.equal(four[0].signal?.aborted, true, 'the request the headers started is cancelled');
  });

  test('an answer without the headers is followed from its body, as before', async () => {
    const { client, requests } = fakeServer(4, { headerToken: () => undefined });
    assert.deepEqual(await numbers(followPages(client, page(0, 4), { readAhead: 2 })), Array.from({ length: 8 }, (_, i) => i));
    assert.deepEqual(requests.map((r) => r.page), [1, 2, 3]);
  });

  test("the caller's abort signal stops the walk and the requests ahead", async () => {
    const controller = new AbortController();
    const { client, requests } = fakeServer(6, { hold: () => new Promise((r) => setTimeout(r, 10)) });
    const seen: number[] = [];
    await assert.rejects(async () => {
      for await (const p of followPages(client, page(0, 6), { readAhead: 1, signal: controller.signal })) {
        seen.push(p.items[0].n / 2);
        if (seen.length === 2) controller.abort(new Error('stop now'));
      }
    }, /stop now/);
    assert.deepEqual(seen, [0, 1]);
    assert.ok(requests.every((r) => r.page <= 2));
    assert.ok(requests.at(-1)!.signal?.aborted);
  });
});

describe('filling a page that came back short', () => {
  /** Pages holding the given numbers of items (numbered on from 0), each linked to the next. */
  function shortPages(sizes: number[]) {
    const requests: number[] = [];
    let n = 0;
    const bodies = sizes.map((k, i) => {
      const more = i + 1 < sizes.length;
      const next = { uri: '/customers/c/users?seekOperation=Next', method: 'GET', headers: [{ key: 'MS-ContinuationToken', value: String(i + 1) }] };
      return { totalCount: k, items: Array.from({ length: k }, () => ({ n: n++ })), continuationToken: more ? String(i + 1) : undefined, links: more ? { next } : {}, attributes: { objectType: 'Collection' } };
    });
    const fetch = (async (_url: string, init: RequestInit) => {
      const i = Number((init.headers as Record<string, string>)['MS-ContinuationToken']);
      requests.push(i);
      return new Response(JSON.stringify(bodies[i]), { status: 200 });
    }) as typeof globalThis.fetch;
    return { client: new PartnerClient({ baseUrl: 'http://tenantry.test', fetch, retry: { maxRetries: 0 } }), first: bodies[0] as unknown as Page, requests };
  }

  test('tops it up from the pages after it until it holds a page, and continues after its last item', async () => {
    const { client, first, requests } = shortPages([0, 1, 0, 3, 2]);
    const page = await fillPage(client, first, 3);
    assert.deepEqual(page.items.map((x) => x.n), [0, 1, 2, 3]);
    assert.equal(page.totalCount, 4);
    assert.equal(page.continuationToken, '4', "the last page read's continuation");
    assert.deepEqual(requests, [1, 2, 3]);
  });

  test('returns a full page, or the last one, as it came', async () => {
    const full = shortPages([3, 1]);
    assert.equal(await fillPage(full.client, full.first, 3), full.first);
    assert.deepEqual(full.requests, []);
    const ending = shortPages([0, 1]);
    const page = await fillPage(ending.client, ending.first, 5);
    assert.deepEqual(page.items.map((x) => x.n), [0]);
    assert.equal(page.links?.next, undefined);
    assert.deepEqual(ending.requests, [1]);
  });
});
