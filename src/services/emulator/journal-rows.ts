/**
 * Journal entries as stored: what the journal hook keeps of a finished request
 * ({@link PendingEntry}), and the row it becomes at flush time ({@link toRow}: secrets replaced,
 * the answer's head capped and deflated). Building rows is pure CPU, ~80 µs for a page of users
 * (deflate, redaction, serialization), so {@link JournalRowBuilder} does it on a worker thread:
 * the process's main thread, which answers every request, does not pay it.
 */
import { Worker } from 'node:worker_threads';
import { deflateRawSync } from 'node:zlib';
import { capBody, journalBodyCap, journalHeaders, journalQuery, redactJson } from '../../domain/emulator/journal-redaction.js';
import type { JournalEntry } from '../../schemas/emulator/journal.js';
import type { JournalRow } from '../../store/journal-store.js';

/** What the journal hook hands over for one finished request (raw; redacted at flush). */
export interface PendingEntry {
  partnerId: string;
  time: string;
  method: string;
  /** Path and query as requested. */
  url: string;
  operation: string | null;
  requestHeaders: Record<string, string | string[] | undefined>;
  /** The parsed body, already redacted (undefined when none). */
  requestBody: unknown;
  status: number;
  responseHeaders: Record<string, string | string[] | number | undefined>;
  /** The head of the answer as sent ({@link keptHead}); undefined when it was a stream or none was sent. */
  response: AnswerHead | undefined;
  durationMs: number;
  faultRuleId?: string;
  checks: string[];
}

/** The stored part of an entry (the rest are row columns). */
export type EntryBody = Pick<JournalEntry, 'query' | 'durationMs' | 'requestHeaders' | 'requestBody' | 'responseHeaders' | 'responseTruncated' | 'faultRuleId'>;

// Enough past the cap for capBody to redact a secret the cut would split.
const keptChars = journalBodyCap + 1024;

/** The part of an answer the journal may keep, copied out of it (see {@link keptHead}). */
export interface AnswerHead {
  /** UTF-8 bytes: the answer's first keptChars characters (text) or bytes (bytes). */
  head: Buffer;
  /** Whether the answer went on past them. */
  cut: boolean;
}

/**
 * Copies the head of an answer out of it, as bytes outside the JavaScript heap, so that nothing
 * of the journal holds the whole answer (a 44 KB page) while the request ends and its entry waits
 * for the flush. Holding it made every page survive the young generation's collections, to be
 * copied and promoted: on PostgreSQL (pages are strings there) ~50 KB promoted per request, and
 * ~40 % of the journal's cost.
 *
 * @example
 * state.response = keptHead(payload); // in onSend
 */
export function keptHead(response: string | Buffer): AnswerHead {
  const cut = response.length > keptChars;
  // Only the head is kept: for bytes, keptChars bytes are at most keptChars characters.
  return { head: typeof response === 'string' ? Buffer.from(cut ? response.slice(0, keptChars) : response, 'utf8') : Buffer.from(response.subarray(0, keptChars)), cut };
}

/** An answer as kept: its head as text (a BOM dropped), cut to the cap and redacted. */
function keptAnswer({ head, cut }: AnswerHead): { text: string; truncated: boolean } {
  const kept = capBody(asBuffer(head).toString('utf8').replace(/^\uFEFF/, ''));
  return { text: kept.text, truncated: kept.truncated || cut };
}

/**
 * The stored row of an entry: headers and bodies with their secrets replaced, the answer's head
 * capped and deflated.
 *
 * @example
 * await store.journal().append(batch.map(toRow), 10_000);
 */
export function toRow(e: PendingEntry): JournalRow {
  const q = e.url.indexOf('?');
  const path = q < 0 ? e.url : e.url.slice(0, q);
  const header = (name: string) => {
    const v = e.requestHeaders[name];
    return typeof v === 'string' && v !== '' ? v.slice(0, 128) : null;
  };
  const response = e.response === undefined ? undefined : keptAnswer(e.response);
  const body: EntryBody = {
    query: journalQuery(q < 0 ? '' : e.url.slice(q + 1)),
    durationMs: Math.round(e.durationMs * 100) / 100,
    requestHeaders: journalHeaders(e.requestHeaders),
    requestBody: e.requestBody === undefined ? null : redactJson(e.requestBody),
    responseHeaders: journalHeaders(e.responseHeaders),
    responseTruncated: response?.truncated ?? false,
    ...(e.faultRuleId !== undefined ? { faultRuleId: e.faultRuleId } : {}),
  };
  return {
    partnerId: e.partnerId,
    time: e.time,
    method: e.method,
    path,
    operation: e.operation,
    requestId: header('ms-requestid'),
    correlationId: header('ms-correlationid'),
    status: e.status,
    checks: e.checks.join(','),
    entryJson: JSON.stringify(body),
    responseBody: response ? deflateRawSync(response.text, { level: 1 }) : null,
  };
}

/** A batch to build, and the rows built (or why not), between the builder and its worker. */
export type RowsRequest = { id: number; batch: PendingEntry[] };
export type RowsAnswer = { id: number; rows: JournalRow[] } | { id: number; error: string };

/**
 * Builds journal rows on one worker thread, started on first use; where no worker can be had (it
 * failed to start or died), on the calling thread instead. Entries cross as structured clones,
 * which turn Buffers into plain Uint8Arrays: both ends turn them back (see {@link asBuffer}).
 *
 * @example
 * const builder = new JournalRowBuilder();
 * await store.journal().append(await builder.build(batch), 10_000);
 * await builder.close();
 */
export class JournalRowBuilder {
  private worker: Worker | undefined;
  private failed = false;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (rows: JournalRow[]) => void; reject: (err: Error) => void }>();

  build(batch: PendingEntry[]): Promise<JournalRow[]> {
    const worker = this.started();
    if (!worker) return Promise.resolve(batch.map(toRow));
    const id = this.nextId++;
    return new Promise<JournalRow[]>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, batch } satisfies RowsRequest);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failed = true;
    await worker?.terminate();
  }

  private started(): Worker | undefined {
    if (this.worker || this.failed) return this.worker;
    try {
      const worker = startWorker();
      worker.unref();
      worker.on('message', (answer: RowsAnswer) => {
        const waiter = this.waiting.get(answer.id);
        this.waiting.delete(answer.id);
        if (!waiter) return;
        if ('error' in answer) waiter.reject(new Error(answer.error));
        else waiter.resolve(answer.rows.map((row) => ({ ...row, responseBody: row.responseBody === null ? null : asBuffer(row.responseBody) })));
      });
      // A dead worker fails what it held (those batches are dropped, as a failed flush is) and is not replaced: rows are built here from then on.
      const fail = (err: Error) => {
        this.worker = undefined;
        this.failed = true;
        for (const waiter of this.waiting.values()) waiter.reject(err);
        this.waiting.clear();
      };
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`the journal's worker thread exited (code ${code})`)));
      this.worker = worker;
    } catch {
      this.failed = true;
    }
    return this.worker;
  }
}

/**
 * The worker's file sits beside this one, built as JavaScript. Run from TypeScript sources (tests,
 * `tsx`), the worker loads tsx's hooks first: Node 20 does not carry `--import` hooks into workers.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./journal-rows-worker.js', import.meta.url));
  const entry = new URL('./journal-rows-worker.ts', import.meta.url).href;
  const hooks = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(hooks)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`, { eval: true });
}

/** A Buffer over the same bytes (a structured clone delivers Buffers as plain Uint8Arrays). */
export const asBuffer = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
