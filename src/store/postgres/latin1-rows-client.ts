/**
 * A `pg` client whose rows' text values arrive as Latin-1 strings (one char per byte of the UTF-8
 * text PostgreSQL sent), for the page statements only (see {@link PostgresStore.pagePool}).
 *
 * Why: a page's items are JSON that goes from the database to the socket unchanged, yet `pg`
 * decodes every field as UTF-8 and the reply encodes it back. Node's UTF-8 decoder leaves its
 * fast path at the first non-ASCII byte: 100 users with one "ë" each took 70–82 µs to decode
 * against 5 µs for ASCII, and 125–163 µs with the encode back against 15. Latin-1 maps bytes to
 * chars one to one at ASCII speed whatever the text, and {@link pageFromLatin1Rows} hands them on
 * to be written back as the same bytes.
 *
 * `pg` has no option for this: the client's connection parses with pg-protocol's `Parser`, whose
 * reader decodes as UTF-8. This client gives its connection a parser whose reader decodes as
 * Latin-1, and decodes every message other than a data row (errors, notices, column names) back
 * to UTF-8, so that only row values differ from a plain client. pg and pg-protocol are pinned; the
 * tests in latin1-rows-client.test.ts fail if an upgrade moves what this reaches into.
 */
import type { Socket } from 'node:net';
import type { EventEmitter } from 'node:events';
import pg from 'pg';
import { Parser } from 'pg-protocol/dist/parser.js';
import type { BackendMessage, RowDescriptionMessage } from 'pg-protocol/dist/messages.js';
import type { Latin1Pieces } from '../../domain/collection.js';
import type { UserPageJson } from '../store.js';
import { userPageFromRows, type UserPageRow } from '../queries/user-list-sql.js';

/** What this reaches into on pg's `Connection` (pg 8.23, lib/connection.js). */
interface ConnectionInternals extends EventEmitter {
  _emitMessage: boolean;
  attachListeners(stream: Socket): void;
}

/**
 * @example
 * const pool = new pg.Pool({ connectionString, Client: Latin1RowsClient });
 * const { rows } = await pool.query({ text: 'SELECT item_json FROM users', rowMode: 'array' });
 * Buffer.from(rows[0][0], 'latin1'); // the UTF-8 bytes of the item
 */
export class Latin1RowsClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    const connection = this.connection as unknown as ConnectionInternals;
    connection.attachListeners = (stream) => attachLatin1Parser(connection, stream);
  }
}

/** As pg's `Connection.attachListeners`, with the parser's reader decoding Latin-1. */
function attachLatin1Parser(connection: ConnectionInternals, stream: Socket): void {
  const parser = new Parser();
  (parser as unknown as { reader: { encoding: string } }).reader.encoding = 'latin1';
  stream.on('data', (buffer: Buffer) =>
    parser.parse(buffer, (msg) => {
      if (msg.name !== 'dataRow') decodeUtf8Strings(msg);
      if (connection._emitMessage) connection.emit('message', msg);
      connection.emit(msg.name === 'error' ? 'errorMessage' : msg.name, msg);
    }),
  );
}

const nonAscii = /[\x80-\xff]/;
const utf8FromLatin1 = (text: string) => (nonAscii.test(text) ? Buffer.from(text, 'latin1').toString('utf8') : text);

/**
 * Decodes a message's strings (an error's message and stack included, a row description's column
 * names) as UTF-8. Only strings that change are written: pg-protocol shares one object for each
 * message without content (parseComplete, bindComplete, …).
 */
function decodeUtf8Strings(msg: BackendMessage): void {
  const fields = msg as unknown as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(msg)) {
    const value = fields[name];
    if (typeof value !== 'string') continue;
    const decoded = utf8FromLatin1(value);
    if (decoded !== value) fields[name] = decoded;
  }
  if (msg.name === 'rowDescription') for (const field of (msg as RowDescriptionMessage).fields) (field as { name: string }).name = utf8FromLatin1(field.name);
}

/**
 * A page from the rows of a page statement read through a {@link Latin1RowsClient}: the items'
 * pieces as their bytes ({@link Latin1Pieces}), which the reply writes into its body as they are,
 * and the boundary key decoded as UTF-8. Joining them into one buffer here first copied every
 * page twice: ~11 against ~6 µs a 100-user page, framed.
 *
 * @example
 * const { rows } = await pagePool.query({ name, text, values, rowMode: 'array' });
 * return pageFromLatin1Rows(rows, size);
 */
export function pageFromLatin1Rows(rows: UserPageRow[], size: number): UserPageJson | undefined {
  const page = userPageFromRows(rows, size);
  if (!page) return undefined;
  const latin1 = page.itemsJson as readonly string[];
  return { itemsJson: { latin1 }, count: page.count, next: page.next && { key: utf8FromLatin1(page.next.key), id: page.next.id } };
}
