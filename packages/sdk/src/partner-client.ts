/**
 * The one place that talks HTTP: adds Partner Center's headers, retries with the same
 * MS-RequestId, waits out 429s, strips a BOM and turns error answers into PartnerError.
 * Uses only `fetch`, so it runs in Node and in browsers.
 */
import { faultFromBody, PartnerError } from './errors.js';
import { type CallOptions, newGuid, type RequestContext } from './request-context.js';
import { defaultBackoffMs, isRetryableStatus, type RetryOptions, retryAfterMs, sleep } from './retry-policy.js';
import type { Link } from './types.js';

/** Returns a bearer token; called before every request, so it may refresh. */
export type TokenProvider = (signal?: AbortSignal) => string | Promise<string>;

/** A fixed token, or a function that returns one. */
export type Credentials = { token: string } | { tokenProvider: TokenProvider } | TokenProvider;

/** The part of a fetch response the client reads. */
export interface FetchLikeResponse {
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  /**
   * Optional: the body parsed as JSON, as `JSON.parse` of `text()` would give it (a leading BOM
   * skipped; undefined for an empty body). A client that holds the body as bytes can parse a large
   * one without making it one string first. On a body that is not JSON it rejects with a
   * SyntaxError, and `text()` still reads the body.
   */
  jsonBody?(): Promise<unknown>;
}

/**
 * The part of `fetch` the client uses: the global `fetch` is one; a lighter one (such as the CLI's
 * keep-alive node:http client for long exports) may be given instead.
 */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<FetchLikeResponse>;

export interface PartnerClientOptions {
  /** The API root, e.g. `http://127.0.0.1:8080` or `https://api.partnercenter.microsoft.com` (a trailing `/v1` is accepted). */
  baseUrl: string;
  credentials?: Credentials;
  /** Retry tuning; tests shorten the back-off. */
  retry?: RetryOptions;
  /** A fetch implementation (default: the global one); only what {@link FetchLike} names is used. */
  fetch?: FetchLike;
  /**
   * Sent as MS-PartnerCenter-Client when given. Off by default: a header a server's CORS policy
   * does not list would make browsers refuse cross-origin calls.
   */
  clientName?: string;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  /** Path below `/v1`, or (for links) a path that already starts with `/v1`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  body?: unknown;
}

const apiVersion = '/v1';

/** The body as {@link FetchLikeResponse.jsonBody} parses it; undefined when it is not JSON (the text then says what it is). */
async function parsedBody(jsonBody: () => Promise<unknown>): Promise<{ value: unknown } | undefined> {
  try {
    return { value: await jsonBody() };
  } catch (e) {
    if (e instanceof SyntaxError) return undefined;
    throw e;
  }
}

/**
 * Sends requests for one partner context. Resource operations share it; `withContext` derives
 * a client with another correlation id, pinned request id or locale.
 *
 * @example
 * const client = new PartnerClient({ baseUrl: 'http://127.0.0.1:8080', credentials: { token } });
 * const page = await client.send({ method: 'GET', path: '/customers' });
 */
export class PartnerClient {
  readonly context: Required<Pick<RequestContext, 'correlationId' | 'locale'>> & Pick<RequestContext, 'requestId'>;
  private readonly root: string;

  constructor(
    readonly options: PartnerClientOptions,
    context: RequestContext = {},
  ) {
    this.root = options.baseUrl.replace(/\/+$/, '').replace(/\/v1$/i, '');
    this.context = { correlationId: context.correlationId ?? newGuid(), locale: context.locale ?? 'en-US', requestId: context.requestId };
  }

  /** A client with the same connection settings and another request context. */
  withContext(context: RequestContext): PartnerClient {
    return new PartnerClient(this.options, { ...this.context, ...context });
  }

  /** The absolute URL of a path below `/v1` (or already starting with `/v1`, or the emulator's `/_tenantry`). */
  url(path: string, query?: HttpRequest['query']): string {
    const withVersion = /^\/(v1|_tenantry)(\/|\?|$)/i.test(path) ? path : `${apiVersion}${path.startsWith('/') ? '' : '/'}${path}`;
    const params = Object.entries(query ?? {}).filter((e): e is [string, string | number] => e[1] !== undefined);
    const search = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
    return `${this.root}${withVersion}${search ? (withVersion.includes('?') ? '&' : '?') + search : ''}`;
  }

  /**
   * Sends a request and returns the parsed JSON body (undefined for an empty body).
   * Throws PartnerError for error answers and for network errors after the retries.
   * `onHeaders` sees a successful answer's headers as they arrive, before its body is read (again
   * for each retry that gets that far).
   */
  async send<T>(request: HttpRequest, call: CallOptions = {}, onHeaders?: (headers: FetchLikeResponse['headers']) => void): Promise<T> {
    const { signal } = call;
    const requestId = call.requestId ?? this.context.requestId ?? newGuid();
    const retry = this.options.retry ?? {};
    const maxRetries = retry.maxRetries ?? 3;
    const backoff = retry.backoffMs ?? defaultBackoffMs;
    const maxThrottleRetries = retry.maxThrottleRetries ?? 3;
    const maxRetryAfterMs = retry.maxRetryAfterMs ?? 60_000;
    const doFetch = this.options.fetch ?? globalThis.fetch.bind(globalThis);
    const url = this.url(request.path, request.query);
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    let retries = 0;
    let throttleRetries = 0;

    for (;;) {
      signal?.throwIfAborted();
      const headers: Record<string, string> = {
        Accept: 'application/json',
        'MS-RequestId': requestId,
        'MS-CorrelationId': this.context.correlationId,
        'X-Locale': this.context.locale,
        ...(this.options.clientName ? { 'MS-PartnerCenter-Client': this.options.clientName } : {}),
        ...request.headers,
        ...call.headers,
      };
      const token = await this.token(signal);
      if (token) headers.Authorization = `Bearer ${token}`;
      if (body !== undefined) headers['Content-Type'] = 'application/json';

      let response: FetchLikeResponse;
      let parsed: { value: unknown } | undefined;
      let text = '';
      try {
        response = await doFetch(url, { method: request.method, headers, body, signal });
        if (response.ok) onHeaders?.(response.headers);
        if (response.ok && response.jsonBody) parsed = await parsedBody(response.jsonBody.bind(response));
        if (!parsed) text = (await response.text()).replace(/^\uFEFF/, '');
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        if (retries < maxRetries) {
          retries += 1;
          await sleep(backoff(retries), signal);
          continue;
        }
        throw new PartnerError({
          status: 0,
          category: 'networkError',
          description: `No answer from ${this.root}: ${err instanceof Error ? err.message : String(err)}`,
          requestId,
          correlationId: this.context.correlationId,
          cause: err,
        });
      }

      if (response.ok) {
        if (parsed) return parsed.value as T;
        if (!text) return undefined as T;
        try {
          return JSON.parse(text) as T;
        } catch {
          // A proxy's or web server's page instead of the API: say so rather than throw a SyntaxError.
          throw new PartnerError({
            status: response.status,
            category: 'unsupportedDataFormat',
            description: `Expected JSON from ${url.split('?')[0]}, got: ${text.slice(0, 80)}`,
            requestId,
            correlationId: this.context.correlationId,
          });
        }
      }

      if (response.status === 429) {
        const wait = retryAfterMs(response.headers.get('retry-after'));
        if (throttleRetries < maxThrottleRetries && wait <= maxRetryAfterMs) {
          throttleRetries += 1;
          await sleep(wait, signal);
          continue;
        }
        throw this.error(response, text, requestId, Math.ceil(wait / 1000));
      }
      if (isRetryableStatus(response.status) && retries < maxRetries) {
        retries += 1;
        // A 503 (or any retryable answer) that names a Retry-After is not retried sooner: Partner
        // Center and Tenantry's emulator answer an early retry 429.
        const asked = response.headers.get('retry-after');
        const wait = Math.max(backoff(retries), asked === null ? 0 : retryAfterMs(asked));
        if (wait > maxRetryAfterMs) throw this.error(response, text, requestId, Math.ceil(wait / 1000));
        await sleep(wait, signal);
        continue;
      }
      throw this.error(response, text, requestId);
    }
  }

  /** GETs a link as the .NET enumerators do: `/v1` prefixed when missing, the link's headers copied. */
  follow<T>(link: Link, call: CallOptions = {}, onHeaders?: (headers: FetchLikeResponse['headers']) => void): Promise<T> {
    const headers = Object.fromEntries((link.headers ?? []).map((h) => [h.key, h.value]));
    const path = link.uri.startsWith('/') ? link.uri : `/${link.uri}`;
    return this.send<T>({ method: 'GET', path, headers }, call, onHeaders);
  }

  private async token(signal?: AbortSignal): Promise<string | undefined> {
    const c = this.options.credentials;
    if (!c) return undefined;
    if (typeof c === 'function') return c(signal);
    if ('token' in c) return c.token;
    return c.tokenProvider(signal);
  }

  private error(response: FetchLikeResponse, text: string, requestId: string, retryAfterSeconds?: number): PartnerError {
    return new PartnerError({
      status: response.status,
      ...faultFromBody(text),
      requestId,
      correlationId: this.context.correlationId,
      retryAfterSeconds,
    });
  }
}
