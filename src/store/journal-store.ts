/**
 * The emulator's request journal in the store (issue 12): one ring of entries per workspace,
 * in the store so every worker of a cluster writes to and reads from the same journal.
 * SQLite: sqlite/sqlite-emulator-journal.ts; PostgreSQL: postgres/postgres-emulator-journal.ts.
 *
 * @example
 * await store.journal().append([row], 10_000);
 * const newest = await store.journal().page(partnerId, {}, undefined, 20);
 */

/** One journal entry as stored: the columns filters use, and the whole entry as JSON. */
export interface JournalRow {
  partnerId: string;
  /** Workspace time of the request (UTC ISO-8601). */
  time: string;
  method: string;
  path: string;
  operation: string | null;
  requestId: string | null;
  correlationId: string | null;
  status: number;
  /** Names of the client checks it tripped, comma-separated ('' for none). */
  checks: string;
  /** The rest of the entry (headers, request body, query, duration, fault rule), secrets already replaced. */
  entryJson: string;
  /**
   * The answer's text as kept (capped, secrets replaced), deflated (raw DEFLATE of its UTF-8): a
   * page of users shrinks ~8x, which is most of what the journal costs a busy list path to write.
   */
  responseBody: Buffer | null;
}

/** A stored row with its sequence number (the entry id; newer entries have larger ones). */
export interface StoredJournalRow extends JournalRow {
  seq: number;
}

/** Filters of a journal listing; every given one must hold. */
export interface JournalFilter {
  requestId?: string;
  correlationId?: string;
  status?: number;
  operation?: string;
  /** Entries at or after this instant (UTC ISO-8601, as stored). */
  since?: string;
}

export interface EmulatorJournalStore {
  /** Appends rows in order (one or more transactions), then trims each partner it touched to its newest `keep` rows. */
  append(rows: JournalRow[], keep: number): Promise<void>;
  /** Newest first: up to `limit` rows with seq below `before` (all when undefined) that match. */
  page(partnerId: string, filter: JournalFilter, before: number | undefined, limit: number): Promise<StoredJournalRow[]>;
  /** How many rows match. */
  count(partnerId: string, filter: JournalFilter): Promise<number>;
  get(partnerId: string, seq: number): Promise<StoredJournalRow | undefined>;
  /** seq, time and checks of every row that tripped a check, newest first. */
  withChecks(partnerId: string): Promise<{ seq: number; time: string; checks: string }[]>;
  /** Removes the partner's journal; returns how many rows. */
  clear(partnerId: string): Promise<number>;
}
