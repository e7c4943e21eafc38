/**
 * Client checks (issue 12): habits of a Partner Center client that work against the emulator and
 * fail, or cost, against Partner Center. Each check has a name and a one-line explanation of what
 * the client should do instead. Without I/O: the journal plugin feeds requests and answers in,
 * and records the names that come out on the request's journal entry.
 *
 * The memory is per process and bounded (the oldest keys are forgotten first), so with
 * `serve --workers N` a habit spread over several workers may be seen less often.
 *
 * @example
 * const memory = new ClientCheckMemory();
 * const tripped = memory.inspect({ partnerId, method: 'POST', operation: 'users.create', path, search: '', headers: {}, bodyText: '{}', now: Date.now() });
 * // ['writeWithoutRequestId', 'noCorrelationId']
 */

/** Names and explanations of every check. */
export const clientCheckExplanations = new Map<string, string>([
  ['retryBeforeRetryAfter', 'Retried before the Retry-After of a 429/503 had passed: wait at least Retry-After seconds before the next call of that operation.'],
  ['ownPagingUrl', 'Built its own next-page URL instead of following links.next: send links.next.uri with links.next.headers (MS-ContinuationToken) as given.'],
  ['pagingSizeResent', 'Re-sent size (or other query parameters) on a next-page call: the continuation token carries the query; follow links.next.uri unchanged.'],
  ['writeWithoutRequestId', 'Wrote without an MS-RequestId: send a new GUID per logical write and reuse it on retries, so a retried write is applied once.'],
  ['requestIdReusedWithOtherBody', 'Reused an MS-RequestId for a different write: a retry must resend the same body; a new write needs a new MS-RequestId.'],
  ['noCorrelationId', 'Sent no MS-CorrelationId: send one GUID per logical operation (across its calls) so support can trace it.'],
  ['repeatedListPolling', 'Read the same list over and over: read /v1/auditrecords (changes since a time) instead of polling whole lists.'],
]);

/**
 * The explanation of a check (empty for an unknown name).
 *
 * @example
 * explainCheck('noCorrelationId'); // 'Sent no MS-CorrelationId: …'
 */
export const explainCheck = (check: string): string => clientCheckExplanations.get(check) ?? '';

/** Polling threshold: more than `maxReads` first-page reads of one list within `windowMs` of the workspace clock. */
export interface PollingThreshold {
  maxReads: number;
  windowMs: number;
}

/** Default: more than 10 reads of the same list's first page within 60 s. */
export const defaultPollingThreshold: PollingThreshold = { maxReads: 10, windowMs: 60_000 };

/** What the checks look at in a request. */
export interface CheckedRequest {
  partnerId: string;
  method: string;
  /** Operation name (users.list, …). */
  operation: string;
  /** Path without the query string. */
  path: string;
  /** Query string without the `?`. */
  search: string;
  /** Lower-case header names. */
  headers: Record<string, string | string[] | undefined>;
  /** The request body as text ('' when none; undefined when it was never read, e.g. answered by a fault first). */
  bodyText: string | undefined;
  /** Now on the workspace clock, ms. */
  now: number;
}

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const maxKeys = 10_000;

function remember<K, V>(map: Map<K, V>, key: K, value: V) {
  map.delete(key);
  map.set(key, value);
  if (map.size > maxKeys) map.delete(map.keys().next().value as K);
}

const header = (headers: CheckedRequest['headers'], name: string): string | undefined => {
  const v = headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === '' ? undefined : s;
};

/** The query parameters of a next-page call, without the ones links.next itself carries. */
const extraQuery = (search: string): string[] => [...new URLSearchParams(search).keys()].filter((k) => k.toLowerCase() !== 'seekoperation');

/** Per-process memory of what clients were told and did, for the checks. */
export class ClientCheckMemory {
  /** continuation token → the path links.next gave with it. */
  private readonly nextLinks = new Map<string, string>();
  /** partner + MS-RequestId → the write it was first used for. */
  private readonly writes = new Map<string, string>();
  /** partner + list path + query → first-page read times (ms). */
  private readonly reads = new Map<string, number[]>();

  constructor(private readonly polling: PollingThreshold = defaultPollingThreshold) {}

  /**
   * The checks a request trips (before its answer is known).
   *
   * @example
   * memory.inspect(request); // ['noCorrelationId']
   */
  inspect(request: CheckedRequest): string[] {
    const tripped: string[] = [];
    const method = request.method.toUpperCase();
    const requestId = header(request.headers, 'ms-requestid');
    if (writeMethods.has(method)) {
      if (requestId === undefined) tripped.push('writeWithoutRequestId');
      else if (request.bodyText !== undefined) {
        const key = `${request.partnerId}\n${requestId}`;
        const write = `${method} ${request.path.toLowerCase()}\n${request.bodyText}`;
        const before = this.writes.get(key);
        if (before === undefined) remember(this.writes, key, write);
        else if (before !== write) tripped.push('requestIdReusedWithOtherBody');
      }
    }
    if (header(request.headers, 'ms-correlationid') === undefined) tripped.push('noCorrelationId');
    if (method === 'GET' && request.operation.endsWith('.list')) {
      const token = header(request.headers, 'ms-continuationtoken');
      const seek = /(?:^|&)seekoperation=next(?:&|$)/i.test(request.search);
      if (token !== undefined || seek) {
        const given = token === undefined ? undefined : this.nextLinks.get(token);
        // A seek without the token, or a token on a path links.next did not give, is a hand-built URL.
        if (token === undefined || !seek || (given !== undefined && given !== request.path.toLowerCase())) tripped.push('ownPagingUrl');
        else if (extraQuery(request.search).length > 0) tripped.push('pagingSizeResent');
      } else if (this.polled(`${request.partnerId}\n${request.path.toLowerCase()}?${request.search}`, request.now)) {
        tripped.push('repeatedListPolling');
      }
    }
    return tripped;
  }

  /**
   * Remembers the `links.next` of a list answer, so the next-page call can be compared with it.
   *
   * @example
   * memory.answered({ continuationToken: 'tok', nextUri: '/customers/c/users?seekOperation=Next' });
   */
  answered(next: { continuationToken: string; nextUri: string }): void {
    const path = next.nextUri.split('?')[0].toLowerCase();
    if (path === '') return;
    remember(this.nextLinks, next.continuationToken, path.startsWith('/v1/') ? path : `/v1${path}`);
  }

  private polled(key: string, now: number): boolean {
    const since = now - this.polling.windowMs;
    const times = (this.reads.get(key) ?? []).filter((t) => t > since);
    times.push(now);
    // Only the last maxReads + 1 reads matter for the threshold.
    if (times.length > this.polling.maxReads + 1) times.splice(0, times.length - this.polling.maxReads - 1);
    remember(this.reads, key, times);
    return times.length > this.polling.maxReads;
  }
}

/**
 * The continuation token (in the head of a list answer's JSON text, before the items) and
 * links.next.uri (in its tail, after them), or undefined for the last page.
 *
 * @example
 * nextOfListAnswer('{"continuationToken":"t","totalCount":1,"items":[', '],"links":{"next":{"uri":"/customers/c/users?seekOperation=Next"…');
 */
export function nextOfListAnswer(head: string, tail: string): { continuationToken: string; nextUri: string } | undefined {
  const token = /"continuationToken":"([^"]+)"/.exec(head);
  if (!token) return undefined;
  const next = /"next":\{"uri":"([^"]+)"/.exec(tail);
  return { continuationToken: ownCopy(token[1]), nextUri: next ? ownCopy(next[1]) : '' };
}

/**
 * A string that does not share the memory of the text it was cut from. V8 keeps a long substring
 * (a regex match in a 44 KB page) as a view of the whole text: remembered in a map, each token
 * kept its page alive, so every list answer survived the young generation's collections and was
 * copied and promoted (the journal's largest cost on PostgreSQL, where pages are strings).
 */
function ownCopy(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
