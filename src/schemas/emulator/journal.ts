/**
 * The emulator's request journal and client report (issue 12): what a workspace's requests were,
 * with secrets replaced, and which client checks they tripped. One source for the control plane's
 * validation, its OpenAPI document, the SDK's types and the web UI.
 *
 * @example
 * GET /_tenantry/workspaces/{id}/requests?status=429&size=20
 * // { totalCount, items: [JournalEntry, …], links: { next: { uri, method, headers } } }
 */
import { Type, type Static } from '@sinclair/typebox';

export const JournalCheck = Type.Object({
  check: Type.String({ description: 'Name of the client check, e.g. retryBeforeRetryAfter' }),
  explanation: Type.String({ description: 'What the client should do instead (one line)' }),
});
export type JournalCheck = Static<typeof JournalCheck>;

const Headers = Type.Record(Type.String(), Type.String(), { description: 'Header name (lower case) to value; credentials are absent, other secrets are "***"' });

export const JournalEntry = Type.Object(
  {
    id: Type.String({ description: 'Entry id (increases with every entry the store keeps)' }),
    time: Type.String({ description: "When the request arrived, on the workspace's clock (UTC ISO-8601)" }),
    method: Type.String(),
    path: Type.String({ description: 'Path without the query string' }),
    query: Type.Record(Type.String(), Type.String(), { description: 'Query parameters (secret-looking names are "***")' }),
    operation: Type.Union([Type.String(), Type.Null()], { description: 'Operation name (users.list, …); null when the route has none' }),
    requestId: Type.Union([Type.String(), Type.Null()], { description: 'MS-RequestId the client sent' }),
    correlationId: Type.Union([Type.String(), Type.Null()], { description: 'MS-CorrelationId the client sent' }),
    status: Type.Integer({ description: 'HTTP status answered; 0 when no answer was sent (a drop fault, or the client went away)' }),
    durationMs: Type.Number({ description: 'From arrival to the end of the answer, ms (0 for status 0)' }),
    requestHeaders: Headers,
    requestBody: Type.Unknown({ description: 'The JSON body as sent, passwords and secrets "***"; null when none' }),
    responseHeaders: Headers,
    responseBody: Type.Union([Type.String(), Type.Null()], { description: 'The answer as text (first 16 KiB), passwords "***"' }),
    responseTruncated: Type.Boolean({ description: 'True when responseBody is only the first part of the answer' }),
    faultRuleId: Type.Optional(Type.String({ description: 'The fault rule that answered (or "header" for a Tenantry-Fault header)' })),
    checks: Type.Array(JournalCheck, { description: 'Client checks this request tripped' }),
  },
  { $id: 'JournalEntry' },
);
export type JournalEntry = Static<typeof JournalEntry>;

export const JournalLink = Type.Object({
  uri: Type.String(),
  method: Type.String(),
  headers: Type.Array(Type.Object({ key: Type.String(), value: Type.String() })),
});

export const JournalPage = Type.Object(
  {
    totalCount: Type.Integer({ description: 'Entries that match the filter (all pages)' }),
    items: Type.Array(JournalEntry, { description: 'Newest first' }),
    links: Type.Object({ next: Type.Optional(JournalLink) }),
  },
  { $id: 'JournalPage' },
);
export type JournalPage = Static<typeof JournalPage>;

export const JournalQuery = Type.Object({
  requestId: Type.Optional(Type.String({ maxLength: 128 })),
  correlationId: Type.Optional(Type.String({ maxLength: 128 })),
  status: Type.Optional(Type.String({ pattern: '^[1-5][0-9][0-9]$', description: 'HTTP status, e.g. 429' })),
  route: Type.Optional(Type.String({ maxLength: 64, description: 'Operation name, e.g. users.list' })),
  since: Type.Optional(Type.String({ maxLength: 40, description: 'Only entries at or after this instant of the workspace clock (UTC ISO-8601)' })),
  size: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$', description: 'Page size, 1–500 (default 100)' })),
  seekOperation: Type.Optional(Type.String()),
});
export type JournalQuery = Static<typeof JournalQuery>;

export const ClientReportCheck = Type.Object({
  check: Type.String(),
  count: Type.Integer({ description: 'Journal entries (in the ring) that tripped it' }),
  explanation: Type.String(),
  lastSeenAt: Type.String({ description: 'Workspace time of the newest such entry' }),
  exampleEntryIds: Type.Array(Type.String(), { description: 'Up to 5 of the newest such entries' }),
});

export const ClientReport = Type.Object(
  { checks: Type.Array(ClientReportCheck, { description: 'Most frequent first' }) },
  { $id: 'ClientReport' },
);
export type ClientReport = Static<typeof ClientReport>;
