/**
 * The emulator's request journal (issue 12): entries are buffered in memory as requests finish
 * and written to the store in batches (every `flushMs`, or at once past `batchSize`), so a busy
 * list path never waits on the journal. Redaction and serialization happen at flush time, off
 * the request path, on a worker thread (journal-rows.ts). Reads flush this process's buffer
 * first; other workers' entries arrive within their `flushMs`. `close()` flushes what is left.
 *
 * @example
 * const journal = new JournalService(store, { size: 10_000, secret });
 * journal.record(pending);
 * const page = await journal.list(partnerId, { status: '429' }, undefined, '/_tenantry/workspaces/…/requests');
 */
import { inflateRawSync } from 'node:zlib';
import { decodeContinuationToken, encodeContinuationToken, parsePageSize } from '../../domain/continuation-token.js';
import { explainCheck } from '../../domain/emulator/client-checks.js';
import { Fault, faults } from '../../domain/fault.js';
import type { ClientReport, JournalEntry, JournalPage, JournalQuery } from '../../schemas/emulator/journal.js';
import type { JournalFilter, JournalRow, StoredJournalRow } from '../../store/journal-store.js';
import type { Store } from '../../store/store.js';
import { JournalRowBuilder, type EntryBody, type PendingEntry } from './journal-rows.js';

export interface JournalOptions {
  /** Entries kept per workspace (the ring). */
  size: number;
  /** Signs continuation tokens (shared by every worker, from the store). */
  secret: Buffer;
  flushMs?: number;
  batchSize?: number;
  /** Where a failed flush is reported (the batch is dropped: the journal never blocks requests). */
  onError?: (err: unknown) => void;
}

interface PageState {
  filter: JournalFilter;
}

const entryIdPattern = /^[0-9]{1,15}$/;

export class JournalService {
  private buffer: PendingEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** Rows handed to flushes that have not finished; past a limit new entries are dropped rather than held (a stalled store must not grow memory). */
  private inFlight = 0;
  private readonly flushMs: number;
  private readonly batchSize: number;
  private readonly rows = new JournalRowBuilder();

  constructor(private readonly store: Store, private readonly options: JournalOptions) {
    this.flushMs = options.flushMs ?? 100;
    this.batchSize = options.batchSize ?? 500;
  }

  /** Buffers a finished request; cheap (no I/O, no serialization). */
  record(entry: PendingEntry): void {
    if (this.inFlight > this.batchSize * 20) return;
    this.buffer.push(entry);
    if (this.buffer.length >= this.batchSize) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** Writes the buffer to the store (one batch at a time, in order). */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.buffer.length === 0) return this.flushing;
    const batch = this.buffer;
    this.buffer = [];
    this.inFlight += batch.length;
    this.flushing = this.flushing.then(async () => {
      try {
        await this.store.journal().append(await this.rows.build(batch), this.options.size);
      } catch (err) {
        this.options.onError?.(err);
      } finally {
        this.inFlight -= batch.length;
      }
    });
    return this.flushing;
  }

  /**
   * A page of the workspace's journal, newest first; `continuationToken` (from links.next) continues one.
   *
   * @example
   * await journal.list(partnerId, { route: 'users.list', size: '20' }, undefined, '/_tenantry/workspaces/p/requests');
   */
  async list(partnerId: string, query: JournalQuery, continuationToken: string | undefined, selfPath: string): Promise<JournalPage> {
    await this.flush();
    const scope = `journal:${partnerId}`;
    let filter: JournalFilter;
    let size: number;
    let before: number | undefined;
    if (continuationToken) {
      const state = decodeContinuationToken<PageState>(this.options.secret, continuationToken, scope);
      if (!entryIdPattern.test(state.after.key)) throw faults.invalidContinuationToken();
      filter = state.query.filter;
      size = state.size;
      before = Number(state.after.key);
    } else {
      filter = filterOf(query);
      size = parsePageSize(query.size);
    }
    const [rows, totalCount] = await Promise.all([this.store.journal().page(partnerId, filter, before, size + 1), this.store.journal().count(partnerId, filter)]);
    const more = rows.length > size;
    const items = rows.slice(0, size).map(toEntry);
    const links: JournalPage['links'] = {};
    if (more) {
      const token = encodeContinuationToken<PageState>(this.options.secret, { scope, query: { filter }, size, after: { key: items[items.length - 1].id, id: '' } });
      links.next = { uri: `${selfPath}?seekOperation=Next`, method: 'GET', headers: [{ key: 'MS-ContinuationToken', value: token }] };
    }
    return { totalCount, items, links };
  }

  /** One entry; 404 when the ring no longer holds it (or never did). */
  async get(partnerId: string, entryId: string): Promise<JournalEntry> {
    await this.flush();
    const row = entryIdPattern.test(entryId) ? await this.store.journal().get(partnerId, Number(entryId)) : undefined;
    if (!row) throw new Fault(404, 600106, `There is no journal entry ${entryId.slice(0, 40)} in this workspace (the ring keeps the newest entries only).`, [entryId.slice(0, 40)]);
    return toEntry(row);
  }

  /** Every entry that matches (newest first), for the HAR export. */
  async all(partnerId: string, query: JournalQuery): Promise<JournalEntry[]> {
    await this.flush();
    const rows = await this.store.journal().page(partnerId, filterOf(query), undefined, this.options.size);
    return rows.map(toEntry);
  }

  /** The client checks the workspace's journal holds, most frequent first. */
  async clientReport(partnerId: string): Promise<ClientReport> {
    await this.flush();
    const byCheck = new Map<string, ClientReport['checks'][number]>();
    for (const row of await this.store.journal().withChecks(partnerId)) {
      for (const check of row.checks.split(',')) {
        const seen = byCheck.get(check);
        // Rows come newest first: the first one seen is the latest.
        if (!seen) byCheck.set(check, { check, count: 1, explanation: explainCheck(check), lastSeenAt: row.time, exampleEntryIds: [String(row.seq)] });
        else {
          seen.count += 1;
          if (seen.exampleEntryIds.length < 5) seen.exampleEntryIds.push(String(row.seq));
        }
      }
    }
    return { checks: [...byCheck.values()].sort((a, b) => b.count - a.count || a.check.localeCompare(b.check)) };
  }

  /** Empties the workspace's journal (and this process's buffer of it). */
  async clear(partnerId: string): Promise<number> {
    await this.flush();
    return this.store.journal().clear(partnerId);
  }

  /** Flushes what is buffered and stops the timer. */
  async close(): Promise<void> {
    await this.flush();
    await this.rows.close();
  }
}

/** The store filter of a query; bad values are 400 faults naming the parameter. */
function filterOf(query: JournalQuery): JournalFilter {
  for (const name of ['requestId', 'correlationId', 'route', 'since'] as const) {
    // PostgreSQL text cannot hold U+0000: refused here rather than failing in the store.
    if (query[name]?.includes('\u0000')) throw faults.invalidInput(`${name} must not contain U+0000`, [name]);
  }
  const filter: JournalFilter = {};
  if (query.requestId) filter.requestId = query.requestId;
  if (query.correlationId) filter.correlationId = query.correlationId;
  if (query.status) filter.status = Number(query.status);
  if (query.route) filter.operation = query.route;
  if (query.since) {
    const at = Date.parse(query.since);
    if (Number.isNaN(at)) throw faults.invalidInput('since must be a UTC instant, e.g. 2026-01-01T00:00:00Z', ['since']);
    filter.since = new Date(at).toISOString();
  }
  return filter;
}

function toEntry(row: StoredJournalRow): JournalEntry {
  const body = JSON.parse(row.entryJson) as EntryBody;
  return {
    id: String(row.seq),
    time: row.time,
    method: row.method,
    path: row.path,
    query: body.query,
    operation: row.operation,
    requestId: row.requestId,
    correlationId: row.correlationId,
    status: row.status,
    durationMs: body.durationMs,
    requestHeaders: body.requestHeaders,
    requestBody: body.requestBody,
    responseHeaders: body.responseHeaders,
    responseBody: row.responseBody ? inflateRawSync(row.responseBody).toString('utf8') : null,
    responseTruncated: body.responseTruncated,
    ...(body.faultRuleId !== undefined ? { faultRuleId: body.faultRuleId } : {}),
    checks: row.checks === '' ? [] : row.checks.split(',').map((check) => ({ check, explanation: explainCheck(check) })),
  };
}
