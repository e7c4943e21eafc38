/**
 * The audit log: every write an authenticated caller makes is recorded (who, partner, customer,
 * operation, correlation and request ids, time, outcome) before its response leaves, so an
 * acknowledged write always has its record.
 *
 * A write that succeeds commits its record in its own transaction: the route's write receives a
 * `ReceiptFor` (see server/write-receipt.ts), which builds the record here with `auditRecordFor`.
 * The onSend hook then writes a record only for what no transaction carried: failed writes
 * (nothing was written, so nothing to be atomic with) and writes not routed through a receipt.
 *
 * It cannot be forgotten: every route with a `config.operation` whose method writes (anything but
 * GET/HEAD/OPTIONS) is audited. `config.audit` only names the record in Partner Center's terms
 * (`resourceType`, `operationType`); without it the names derive from the operation and the method.
 * A handler can refine a record with `noteAudit` (e.g. a PATCH that turned out to be a restore).
 * Not recorded: replays of an MS-RequestId (the first attempt was), throttled requests (429, so a
 * flood cannot turn into audit writes), and requests whose token was refused (no principal).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Operation } from '../../auth/permissions.js';
import type { AuditRecord } from '../../domain/audit-record.js';
import type { WriteNote } from '../../services/write-receipt.js';
import { systemClock, type Clock } from '../../domain/clock.js';
import { randomIds, type IdSource } from '../../domain/id-source.js';
import type { Store } from '../../store/store.js';
import { isReplay } from '../idempotency.js';
import { guidPattern } from '../../domain/guid.js';
import { lookup } from '../../domain/lookup.js';

/** Partner Center's names for a write. */
export interface AuditNames {
  resourceType: string;
  operationType: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Partner Center's names for this write's audit records (writes are audited with or without it). */
    audit?: AuditNames;
  }
}

/** What a handler learned while working that the record should carry. */
export interface AuditNote extends WriteNote {
  resourceId?: string;
  customizedData?: { key: string; value: string | null }[];
}

const notes = new WeakMap<FastifyRequest, AuditNote>();
/**
 * An audited request's reply and the store, for records built where the write happens (which sees
 * the request only). A property of the request, not a WeakMap entry: an entry whose value reaches
 * its key again (reply.request) outlives every young-generation collection until a full one, so a
 * WeakMap of every request's reply had V8 promote ~3.5 MB per scavenge at 50 connections and
 * spend 5-10 ms in each (bench/NOTES.md, twenty-seventh session).
 */
const auditContext = Symbol('auditContext');
type AuditedRequest = FastifyRequest & { [auditContext]: { reply: FastifyReply; options: Required<AuditOptions> } | null };
/** Requests whose record committed with their write (or with their stored answer): onSend skips them. */
const committed = new WeakSet<FastifyRequest>();

/**
 * Tells the onSend hook that the request's record committed in a transaction already.
 *
 * @example
 * const result = await work(receiptFor); markAuditCommitted(request);
 */
export function markAuditCommitted(request: FastifyRequest): void {
  committed.add(request);
}

/**
 * Refines the audit record of the current request.
 *
 * @example
 * noteAudit(request, { operationType: 'restore_customer_user' });
 */
export function noteAudit(request: FastifyRequest, note: AuditNote): void {
  notes.set(request, { ...notes.get(request), ...note });
}

const readOnlyMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

// Partner Center's resource types, by the first part of our operation names.
const resourceTypes: Record<string, string> = {
  customers: 'customer',
  users: 'customer_user',
  licenses: 'license',
  skus: 'subscribed_sku',
  roles: 'customer_directory_role',
};
const verbs: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'update', DELETE: 'delete' };

/**
 * The audit names of a route, or undefined when it writes nothing (or is public).
 *
 * @example
 * auditNamesOf('POST', { operation: 'licenses.assign' }); // { resourceType: 'license', operationType: 'create_license' }
 */
export function auditNamesOf(method: string, config: { operation?: Operation; audit?: AuditNames }): AuditNames | undefined {
  if (!config.operation || readOnlyMethods.has(method.toUpperCase())) return undefined;
  if (config.audit) return config.audit;
  const resourceType = lookup(resourceTypes, config.operation.split('.')[0]) ?? config.operation.split('.')[0];
  return { resourceType, operationType: `${lookup(verbs, method.toUpperCase()) ?? method.toLowerCase()}_${resourceType}` };
}

const asGuid = (value: unknown) => (typeof value === 'string' && guidPattern.test(value.toLowerCase()) ? value.toLowerCase() : undefined);

function parseBody(payload: unknown): Record<string, unknown> | undefined {
  const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
  if (!text) return undefined;
  try {
    const value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Route parameters besides customer and user (a role, a SKU…), named as Partner Center's customizedData keys: RoleId, SkuId. */
const otherParams = (params: Record<string, unknown>) =>
  Object.entries(params)
    .filter(([name, value]) => name !== 'customerId' && name !== 'userId' && typeof value === 'string')
    .map(([name, value]) => ({ key: `${name[0].toUpperCase()}${name.slice(1)}`, value: String(value).slice(0, 128) }));

const headerText = (reply: FastifyReply, name: string) => {
  const v = reply.getHeader(name);
  return typeof v === 'string' ? v : undefined;
};

async function buildRecord(
  { store, clock, ids }: Required<AuditOptions>,
  request: FastifyRequest,
  reply: FastifyReply,
  names: AuditNames,
  response: { status: number; payload: unknown },
  extra: AuditNote = {},
): Promise<AuditRecord> {
  const params = (request.params ?? {}) as Record<string, unknown>;
  const note = { ...notes.get(request), ...extra };
  const succeeded = response.status < 400;
  const body = parseBody(response.payload);
  const createdId = succeeded && request.method === 'POST' ? asGuid(body?.id) : undefined;
  const customerId = asGuid(params.customerId) ?? (names.resourceType === 'customer' ? createdId : undefined);
  const customerName = note.customerName ?? (customerId ? (await store.findCustomer(request.principal.partnerId, customerId))?.companyName : undefined);
  return {
    id: ids.newId(),
    partnerId: request.principal.partnerId,
    operationDate: clock.now().toISOString(),
    customerId,
    customerName,
    subject: request.principal.subject,
    appOnly: request.principal.appOnly,
    resourceType: names.resourceType,
    resourceId: note.resourceId ?? asGuid(params.userId) ?? createdId,
    operationType: (succeeded && note.operationType) || names.operationType,
    operationStatus: succeeded ? 'succeeded' : 'failed',
    httpStatus: response.status,
    faultCode: !succeeded && typeof body?.code === 'number' ? body.code : undefined,
    correlationId: headerText(reply, 'ms-correlationid'),
    requestId: headerText(reply, 'ms-requestid'),
    customizedData: [...otherParams(params), ...(note.customizedData ?? [])],
  };
}

export interface AuditOptions {
  store: Store;
  /** Record times (default real time). */
  clock?: Clock;
  /** Record ids (default random GUIDs). */
  ids?: IdSource;
}

/**
 * The audit record of the current request if it answers `response` (undefined when the route is
 * not audited or the caller is unknown), for a write to commit in its transaction.
 *
 * @example
 * const audit = await auditRecordFor(request, { status: 201, body }, { customerName: 'Contoso' });
 */
export async function auditRecordFor(request: FastifyRequest, response: { status: number; body: string }, note?: AuditNote): Promise<AuditRecord | undefined> {
  const names = auditNamesOf(request.method, request.routeOptions.config ?? {});
  const context = (request as AuditedRequest)[auditContext];
  if (!names || !request.principal || !context) return undefined;
  return buildRecord(context.options, request, context.reply, names, { status: response.status, payload: response.body }, note);
}

async function audit(app: FastifyInstance, { store, clock = systemClock, ids = randomIds }: AuditOptions) {
  const options = { store, clock, ids };
  app.decorateRequest(auditContext, null);
  // Callback hooks: reads (most requests) pass straight through without a promise per hook.
  app.addHook('onRequest', (request, reply, done) => {
    if (auditNamesOf(request.method, request.routeOptions.config ?? {})) (request as AuditedRequest)[auditContext] = { reply, options };
    done();
  });
  // onSend, not onResponse: the record is written before the caller hears of the write.
  app.addHook('onSend', (request, reply, payload, done) => {
    const names = auditNamesOf(request.method, request.routeOptions.config ?? {});
    // A 503 is a store outage: nothing was written, and the record could not be stored either.
    if (!names || !request.principal || reply.statusCode === 429 || reply.statusCode === 503 || isReplay(request) || committed.has(request)) return done(null, payload);
    buildRecord(options, request, reply, names, { status: reply.statusCode, payload })
      .then((record) => store.insertAuditRecord(record))
      // The write itself is done; failing its answer now would invite a retry of a finished write.
      .catch((err: unknown) => request.log.error({ err }, 'audit record not written'))
      .then(() => done(null, payload), done);
  });
}

export default fp(audit, { name: 'audit' });
