/**
 * Emulator fixtures (issue 11) on SQLite: a customer's SKUs, licences and role members written in
 * one transaction (seat counts as the checked fixture computed them), and read back whole for the
 * export. Users go through the store's bulk user path.
 */
import type Database from 'better-sqlite3';
import { StatementCache } from './statement-cache.js';
import type { FixtureLicenceRow, FixtureMemberRow } from '../../domain/emulator/fixture-plan.js';
import type { SubscribedSkuRecord } from '../../domain/licensing.js';
import type { UserRecord } from '../../domain/user.js';
import { licensingSql, subscribedSkuValues } from '../queries/licensing-sql.js';
import { userFromRow, userRecordColumns } from '../queries/columns.js';

export class SqliteEmulatorFixtures {
  private readonly statements: StatementCache;

  constructor(private readonly db: Database.Database) {
    this.statements = new StatementCache(db);
  }

  insertLicensing(customerId: string, skus: SubscribedSkuRecord[], licences: FixtureLicenceRow[], members: FixtureMemberRow[], now: string): void {
    this.db.transaction(() => {
      const sku = this.statements.get(licensingSql.insertSku);
      for (const s of skus) sku.run(subscribedSkuValues(s));
      const licence = this.statements.get('INSERT INTO user_licenses (customer_id, user_id, sku_id, excluded_plans, active, assigned_at) VALUES (?, ?, ?, ?, ?, ?)');
      for (const l of licences) licence.run(customerId, l.userId, l.skuId, JSON.stringify(l.excludedPlans), l.active ? 1 : 0, now);
      const member = this.statements.get('INSERT INTO directory_role_members (customer_id, role_id, user_id, added_at) VALUES (?, ?, ?, ?)');
      for (const m of members) member.run(customerId, m.roleId, m.userId, now);
    }).immediate();
  }

  readLicensing(customerId: string): { licences: FixtureLicenceRow[]; members: FixtureMemberRow[] } {
    const licences = (this.statements.get('SELECT user_id, sku_id, excluded_plans, active FROM user_licenses WHERE customer_id = ? ORDER BY user_id, sku_id').all(customerId) as Record<string, unknown>[]).map((r) => ({
      userId: String(r.user_id), skuId: String(r.sku_id), excludedPlans: JSON.parse(String(r.excluded_plans)) as string[], active: Number(r.active) === 1,
    }));
    const members = (this.statements.get('SELECT role_id, user_id FROM directory_role_members WHERE customer_id = ? ORDER BY role_id, user_id').all(customerId) as Record<string, unknown>[]).map((r) => ({
      roleId: String(r.role_id), userId: String(r.user_id),
    }));
    return { licences, members };
  }

  listUsers(customerId: string, afterId: string, size: number): UserRecord[] {
    return (this.statements.get(`SELECT ${userRecordColumns} FROM users WHERE customer_id = ? AND id > ? ORDER BY id LIMIT ?`).all(customerId, afterId, size) as Record<string, unknown>[]).map(userFromRow);
  }
}
