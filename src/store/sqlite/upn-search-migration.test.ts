import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { demoPartnerId } from '../../demo/demo-data.js';
import { syntheticUsers, unusablePasswordHash } from '../../demo/synthetic-users.js';
import type { KeysetPosition } from '../../domain/continuation-token.js';
import type { UserListQuery } from '../../domain/user-list-query.js';
import { createSqliteDatabaseBefore } from '../../test-support/sqlite-before-migration.js';
import { SqliteStore } from './sqlite-store.js';
import { userPageItemsText } from '../store.js';

describe('a SQLite database whose trigram index held whole UPNs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-upn-migration-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds its users by a text in the alias, across the @ or in the domain once migrated', async () => {
    const file = join(dir, 'old.db');
    // The schema as it was before the UPN's trigram index lost its domain.
    createSqliteDatabaseBefore(file, 'CREATE INDEX users_by_upn_domain');
    const store = new SqliteStore(file);
    try {
      const id = randomUUID();
      const domain = `old${id.slice(0, 8)}.onmicrosoft.com`;
      await store.insertCustomer(
        { partnerId: demoPartnerId, id, commerceId: randomUUID(), domain, companyName: 'Old', customDomains: [], billingProfile: { companyName: 'Old', culture: 'en-US', language: 'en', defaultAddress: { country: 'US' } }, createdAt: '2026-01-01T00:00:00Z' },
        [],
      );
      const rows = syntheticUsers(id, domain, 0, 120);
      await store.insertUsersBulk([rows.slice(0, 100)], unusablePasswordHash);
      for (const row of rows.slice(100)) assert.equal(await store.insertUser(row, unusablePasswordHash), 'ok');
      await store.migrate();
      const upn = rows[37].userPrincipalNameKey;
      const at = upn.indexOf('@');
      for (const value of [upn.slice(2, at - 1), upn.slice(at - 4, at + 4), upn.slice(at - 3, at + 1), domain.slice(2, 9), upn]) {
        const query: UserListQuery = { state: 'active', sortField: 'userPrincipalName', direction: 'asc', search: { field: 'userPrincipalName', operator: 'substring', value } };
        const ids: string[] = [];
        let position: KeysetPosition | undefined;
        do {
          const page = await store.readUserPage(demoPartnerId, id, query, 30, position);
          assert.ok(page);
          ids.push(...(JSON.parse(`[${userPageItemsText(page)}]`) as { id: string }[]).map((u) => u.id));
          position = page.next;
        } while (position);
        const expected = rows.filter((r) => r.userPrincipalNameKey.includes(value)).sort((a, b) => (a.userPrincipalNameKey < b.userPrincipalNameKey ? -1 : 1));
        assert.deepEqual(ids, expected.map((r) => r.id), value);
        assert.ok(ids.length > 0, value);
      }
      // The index now holds each UPN up to its '@': the domain's trigrams are gone from it.
      const db = new Database(file, { readonly: true });
      try {
        const domainText = `upn_text : "${domain.slice(0, 8)}"`;
        assert.equal(db.prepare('SELECT count(*) FROM user_search WHERE user_search MATCH ?').pluck().get(domainText), 0);
        assert.equal(db.prepare('SELECT count(*) FROM user_search WHERE user_search MATCH ?').pluck().get(`upn_text : "${upn.slice(0, at + 1)}"`), 1);
      } finally {
        db.close();
      }
    } finally {
      await store.close();
    }
  });
});
