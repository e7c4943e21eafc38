/**
 * Emulator fixtures (issue 11) on PostgreSQL: a customer's SKUs, licences and role members written
 * in one transaction (seat counts as the checked fixture computed them; rows sent as arrays, one
 * statement per table), and read back whole for the export. Users go through the bulk user path.
 */
import type pg from 'pg';
import { inTransaction } from './transaction.js';
import type { FixtureLicenceRow, FixtureMemberRow } from '../../domain/emulator/fixture-plan.js';
import type { SubscribedSkuRecord } from '../../domain/licensing.js';
import type { UserRecord } from '../../domain/user.js';
import { licensingSql, subscribedSkuValues } from '../queries/licensing-sql.js';
import { userFromRow, userRecordColumns } from '../queries/columns.js';
import { numberPlaceholders } from '../queries/user-list-sql.js';

const chunk = 50_000;

export class PostgresEmulatorFixtures {
  constructor(private readonly pool: pg.Pool) {}

  async insertLicensing(customerId: string, skus: SubscribedSkuRecord[], licences: FixtureLicenceRow[], members: FixtureMemberRow[], now: string): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      for (const s of skus) await client.query(numberPlaceholders(licensingSql.insertSku), subscribedSkuValues(s));
      for (let i = 0; i < licences.length; i += chunk) {
        const part = licences.slice(i, i + chunk);
        await client.query(
          'INSERT INTO user_licenses (customer_id, user_id, sku_id, excluded_plans, active, assigned_at) SELECT $1, u, s, e, a, $2 FROM unnest($3::text[], $4::text[], $5::text[], $6::int[]) AS t (u, s, e, a)',
          [customerId, now, part.map((l) => l.userId), part.map((l) => l.skuId), part.map((l) => JSON.stringify(l.excludedPlans)), part.map((l) => (l.active ? 1 : 0))],
        );
      }
      for (let i = 0; i < members.length; i += chunk) {
        const part = members.slice(i, i + chunk);
        await client.query(
          'INSERT INTO directory_role_members (customer_id, role_id, user_id, added_at) SELECT $1, r, u, $2 FROM unnest($3::text[], $4::text[]) AS t (r, u)',
          [customerId, now, part.map((m) => m.roleId), part.map((m) => m.userId)],
        );
      }
    });
  }

  async readLicensing(customerId: string): Promise<{ licences: FixtureLicenceRow[]; members: FixtureMemberRow[] }> {
    const l = await this.pool.query('SELECT user_id, sku_id, excluded_plans, active FROM user_licenses WHERE customer_id = $1 ORDER BY user_id, sku_id', [customerId]);
    const m = await this.pool.query('SELECT role_id, user_id FROM directory_role_members WHERE customer_id = $1 ORDER BY role_id, user_id', [customerId]);
    return {
      licences: l.rows.map((r) => ({ userId: String(r.user_id), skuId: String(r.sku_id), excludedPlans: JSON.parse(String(r.excluded_plans)) as string[], active: Number(r.active) === 1 })),
      members: m.rows.map((r) => ({ roleId: String(r.role_id), userId: String(r.user_id) })),
    };
  }

  async listUsers(customerId: string, afterId: string, size: number): Promise<UserRecord[]> {
    const { rows } = await this.pool.query(`SELECT ${userRecordColumns} FROM users WHERE customer_id = $1 AND id > $2 ORDER BY id LIMIT $3`, [customerId, afterId, size]);
    return rows.map(userFromRow);
  }
}
