/**
 * Reading the audit log: a partner's records in time order, one keyset page at a time.
 */
import type { Principal } from '../auth/principal.js';
import { parseAuditQuery, type AuditQuery } from '../domain/audit-query.js';
import { serializeAuditRecord } from '../domain/audit-record.js';
import { seekCollection } from '../domain/collection.js';
import { decodeContinuationToken, encodeContinuationToken, parsePageSize } from '../domain/continuation-token.js';
import { faults } from '../domain/fault.js';
import type { Store } from '../store/store.js';
import type { JsonResult } from './user-service.js';

export interface ListAuditParams {
  startDate?: string;
  endDate?: string;
  size?: string;
  filter?: string;
  seekOperation?: string;
  continuationToken?: string;
}

export class AuditService {
  constructor(
    private readonly store: Store,
    private readonly pagingSecret: Buffer,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * One page of the caller's partner's records; the continuation token keeps the query, so
   * records written while paging never shift a page.
   *
   * @example
   * const { body } = await audit.list(principal, { startDate: '2026-11-01' }, '/auditrecords?startDate=2026-11-01');
   */
  async list(principal: Principal, params: ListAuditParams, selfUri: string, tokenHeader?: string): Promise<JsonResult> {
    const scope = `audit:${principal.partnerId}`;
    const token = tokenHeader || params.continuationToken;
    let query: AuditQuery;
    let size: number;
    let after;
    if (token) {
      ({ query, size, after } = decodeContinuationToken<AuditQuery>(this.pagingSecret, token, scope));
    } else {
      if (params.seekOperation?.toLowerCase() === 'next') throw faults.invalidInput('seekOperation=Next needs the MS-ContinuationToken header', ['MS-ContinuationToken']);
      query = parseAuditQuery(params, this.now());
      size = parsePageSize(params.size);
    }
    const page = await this.store.listAuditRecords(principal.partnerId, query, size, after);
    const next = page.next ? encodeContinuationToken(this.pagingSecret, { scope, query, size, after: page.next }) : undefined;
    return { status: 200, ...seekCollection(page.items.map(serializeAuditRecord), selfUri, '/auditrecords', next) };
  }
}
