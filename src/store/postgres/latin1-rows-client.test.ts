import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { framedItems } from '../../domain/collection.js';
import { testPostgresUrl } from '../../test-support/stores.js';
import { userPageItemsText } from '../store.js';
import { userPagePart, type UserPageRow } from '../queries/user-list-sql.js';
import { Latin1RowsClient, pageFromLatin1Rows } from './latin1-rows-client.js';

const text = 'Zoë Ng 山田 🙂 "q"';

describe('a pg client whose rows arrive as Latin-1', () => {
  let pool: pg.Pool;
  before(() => {
    pool = new pg.Pool({ connectionString: testPostgresUrl, max: 2, Client: Latin1RowsClient });
  });
  after(async () => pool.end());

  it('hands a row value over as one char per byte of the UTF-8 text PostgreSQL sent', async () => {
    const { rows } = await pool.query({ text: 'SELECT $1::text AS "naïve", 7 AS n', values: [text], rowMode: 'array' });
    const [value, n] = rows[0] as [string, number];
    assert.equal(value.length, Buffer.byteLength(text));
    assert.deepEqual(Buffer.from(value, 'latin1'), Buffer.from(text, 'utf8'));
    assert.equal(n, 7, 'types other than text are parsed as before');
  });

  it('decodes column names as UTF-8', async () => {
    const { fields } = await pool.query('SELECT 1 AS "naïve"');
    assert.equal(fields[0].name, 'naïve');
  });

  it('decodes an error’s message as UTF-8, so it reads as a plain client’s does', async () => {
    await assert.rejects(pool.query("SELECT 'Zoë 山田'::int"), (e: Error & { code?: string }) => {
      assert.equal(e.code, '22P02');
      assert.match(e.message, /"Zoë 山田"/);
      return true;
    });
    const { rows } = await pool.query({ text: 'SELECT $1::text', values: ['ë'], rowMode: 'array' });
    assert.equal(Buffer.from(rows[0][0] as string, 'latin1').toString('utf8'), 'ë', 'the connection reads on after an error');
  });

  it('keeps a notice’s text as UTF-8', async () => {
    const client = await pool.connect();
    try {
      const notice = new Promise<string>((resolve) => client.once('notice', (n: Error) => resolve(n.message)));
      await client.query("DO $$ BEGIN RAISE NOTICE 'Zoë 山田'; END $$");
      assert.equal(await notice, 'Zoë 山田');
    } finally {
      client.release();
    }
  });
});

describe('a page from Latin-1 rows', () => {
  const latin1 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
  const items = ['{"displayName":"Zoë"}', '{"displayName":"山田 🙂"}', '{"displayName":"Ann"}'];

  it('frames its items, in their numbered order, as their UTF-8 bytes', () => {
    const rows: UserPageRow[] = [
      [userPagePart.items, latin1(items[2]), 1, null, '2'],
      [userPagePart.items, latin1(items[0]), 1, null, '0'],
      [userPagePart.items, latin1(items[1]), 1, null, '1'],
      [userPagePart.owned, null, null, null, null],
    ];
    const page = pageFromLatin1Rows(rows, 100)!;
    assert.deepEqual(framedItems('[', page.itemsJson, ']'), Buffer.from(`[${items.join(',')}]`));
    assert.equal(userPageItemsText(page), items.join(','));
    assert.equal(page.count, 3);
    assert.equal(page.next, undefined);
  });

  it('decodes the next page’s position key as UTF-8', () => {
    const rows: UserPageRow[] = [
      [userPagePart.items, latin1(items[0]), 1, null, '0'],
      [userPagePart.items, latin1(items[1]), 1, null, '1'],
      [userPagePart.boundary, null, null, latin1('山田 🙂'), 'id-2'],
      [userPagePart.boundary, null, null, latin1('zoë'), 'id-3'],
      [userPagePart.owned, null, null, null, null],
    ];
    assert.deepEqual(pageFromLatin1Rows(rows, 2)!.next, { key: '山田 🙂', id: 'id-2' });
  });

  it('is undefined when the customer is not the partner’s, and empty bytes when it has no users', () => {
    assert.equal(pageFromLatin1Rows([[userPagePart.items, null, 0, null, null]], 10), undefined);
    const empty = pageFromLatin1Rows([[userPagePart.owned, null, null, null, null]], 10)!;
    assert.equal(empty.count, 0);
    assert.equal(userPageItemsText(empty), '');
  });
});
