/**
 * Licences and directory-role members on PostgreSQL. A licence update is one transaction that
 * locks the user row (FOR SHARE, so a concurrent delete waits) and then the SKU rows it touches
 * (FOR UPDATE, in SKU-id order so two updates never deadlock); a seat is taken by a conditional
 * `UPDATE … WHERE consumed_units < total_units`. Concurrent assignments therefore queue on the
 * SKU row and never oversubscribe.
 */
import type pg from 'pg';
import { inTransaction } from './transaction.js';
import type { KeysetPosition } from '../../domain/continuation-token.js';
import type { RoleMember } from '../../domain/directory-roles.js';
import type { LicenseUpdateOutcome, LicenseUpdatePlan, SubscribedSkuRecord, SubscribedSkuWriteResult, UserLicenseRecord } from '../../domain/licensing.js';
import { LicenseUpdateAborted, licensingSql, roleMemberFromRow, roleMembersSql, subscribedSkuColumns, subscribedSkuFromRow, subscribedSkuValues, userLicenseFromRow } from '../queries/licensing-sql.js';
import { numberPlaceholders } from '../queries/user-list-sql.js';
import type { Page, RoleMemberWriteResult, WriteReceipt } from '../store.js';

const sql = Object.fromEntries(Object.entries(licensingSql).map(([k, v]) => [k, numberPlaceholders(v)])) as Record<keyof typeof licensingSql, string>;

const placeholders = subscribedSkuColumns.map((_, i) => `$${i + 1}`).join(', ');
// Creates the subscription, or sets its seats unless that would fall below those assigned.
// xmax = 0 tells a fresh insert from an update.
const upsertSku =
  `INSERT INTO subscribed_skus (${subscribedSkuColumns.join(', ')}) VALUES (${placeholders}) ` +
  'ON CONFLICT (customer_id, sku_id) DO UPDATE SET total_units = excluded.total_units, warning_units = excluded.warning_units, ' +
  'suspended_units = excluded.suspended_units, updated_at = excluded.updated_at WHERE subscribed_skus.consumed_units <= excluded.total_units ' +
  'RETURNING (xmax = 0) AS inserted';

export class PostgresLicensing {
  /** `writeReceipt` writes a receipt on the transaction's connection (see `WriteReceipt`). */
  constructor(
    private readonly pool: pg.Pool,
    private readonly writeReceipt: (client: pg.PoolClient, receipt?: WriteReceipt) => Promise<void> = async () => {},
  ) {}

  private transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }

  async putSubscribedSku(sku: SubscribedSkuRecord, receipt?: WriteReceipt): Promise<SubscribedSkuWriteResult> {
    const values = subscribedSkuValues({ ...sku, consumedUnits: 0 });
    const result = (rows: { inserted: boolean }[]): SubscribedSkuWriteResult => (rows.length === 0 ? 'below_consumed' : rows[0].inserted ? 'created' : 'updated');
    if (!receipt) return result((await this.pool.query(upsertSku, values)).rows);
    return this.transaction(async (c) => {
      const outcome = result((await c.query(upsertSku, values)).rows);
      if (outcome !== 'below_consumed') await this.writeReceipt(c, receipt);
      return outcome;
    });
  }

  async listSubscribedSkus(customerId: string): Promise<SubscribedSkuRecord[]> {
    return (await this.pool.query(sql.selectSkus, [customerId])).rows.map(subscribedSkuFromRow);
  }

  async listUserLicenses(customerId: string, userId: string): Promise<UserLicenseRecord[]> {
    return (await this.pool.query(sql.activeLicenses, [customerId, userId])).rows.map(userLicenseFromRow);
  }

  async applyLicenseUpdate(customerId: string, userId: string, plan: LicenseUpdatePlan, now: string, receipt?: WriteReceipt): Promise<LicenseUpdateOutcome> {
    try {
      await this.transaction(async (c) => {
        const user = (await c.query(`${sql.userState} FOR SHARE`, [customerId, userId])).rows[0];
        if (!user) throw new LicenseUpdateAborted({ kind: 'user_missing' });
        if (user.state !== 'active') throw new LicenseUpdateAborted({ kind: 'user_inactive' });
        const skuIds = [...plan.remove, ...plan.assign.map((a) => a.skuId)].sort();
        await c.query('SELECT sku_id FROM subscribed_skus WHERE customer_id = $1 AND sku_id = ANY($2::text[]) ORDER BY sku_id FOR UPDATE', [customerId, skuIds]);
        // Removals first: a swap frees its seat before the new licence takes one.
        for (const skuId of plan.remove) {
          if ((await c.query(sql.deleteActiveLicense, [customerId, userId, skuId])).rowCount === 0) throw new LicenseUpdateAborted({ kind: 'not_assigned', skuId });
          await c.query(sql.releaseSeat, [now, customerId, skuId]);
        }
        for (const a of plan.assign) {
          const excluded = JSON.stringify(a.excludedPlans);
          // Already held: only the excluded plans change, no seat is taken.
          if ((await c.query(sql.updateExcludedPlans, [excluded, customerId, userId, a.skuId])).rowCount === 1) continue;
          if ((await c.query(sql.takeSeat, [now, customerId, a.skuId])).rowCount === 0) {
            const exists = (await c.query(sql.skuExists, [customerId, a.skuId])).rowCount === 1;
            throw new LicenseUpdateAborted(exists ? { kind: 'out_of_seats', skuId: a.skuId } : { kind: 'sku_missing', skuId: a.skuId });
          }
          await c.query(sql.insertLicense, [customerId, userId, a.skuId, excluded, now]);
        }
        await this.writeReceipt(c, receipt);
      });
      return { kind: 'ok' };
    } catch (e) {
      if (e instanceof LicenseUpdateAborted) return e.outcome;
      throw e;
    }
  }

  async suspendUserLicenses(customerId: string, userId: string, now: string): Promise<void> {
    await this.transaction((c) => this.suspendOn(c, customerId, userId, now));
  }

  /** The suspend step inside a transaction the caller runs (a user's delete). */
  async suspendOn(c: pg.PoolClient, customerId: string, userId: string, now: string): Promise<void> {
    // The user row first, as licence updates lock it: the two never interleave.
    await c.query(`${sql.userState} FOR UPDATE`, [customerId, userId]);
    for (const l of (await c.query(sql.activeLicenses, [customerId, userId])).rows) {
      await c.query(sql.releaseSeat, [now, customerId, l.sku_id]);
      await c.query(sql.setLicenseActive, [0, customerId, userId, l.sku_id]);
    }
  }

  async resumeUserLicenses(customerId: string, userId: string, now: string): Promise<string[]> {
    return this.transaction((c) => this.resumeOn(c, customerId, userId, now));
  }

  /** The resume step inside a transaction the caller runs (a user's restore). */
  async resumeOn(c: pg.PoolClient, customerId: string, userId: string, now: string): Promise<string[]> {
    await c.query(`${sql.userState} FOR UPDATE`, [customerId, userId]);
    const unrestored: string[] = [];
    for (const r of (await c.query(sql.suspendedLicenses, [customerId, userId])).rows) {
      if ((await c.query(sql.takeSeat, [now, customerId, r.sku_id])).rowCount === 1) {
        await c.query(sql.setLicenseActive, [1, customerId, userId, r.sku_id]);
      } else {
        await c.query(sql.deleteLicense, [customerId, userId, r.sku_id]);
        unrestored.push(r.sku_id);
      }
    }
    return unrestored;
  }

  async addRoleMember(customerId: string, roleId: string, userId: string, now: string, receipt?: WriteReceipt): Promise<RoleMemberWriteResult> {
    return this.transaction(async (c): Promise<RoleMemberWriteResult> => {
      const user = (await c.query(`${sql.userState} FOR SHARE`, [customerId, userId])).rows[0];
      if (!user) return 'user_missing';
      if (user.state !== 'active') return 'user_inactive';
      if ((await c.query(sql.insertRoleMember, [customerId, roleId, userId, now])).rowCount !== 1) return 'exists';
      await this.writeReceipt(c, receipt);
      return 'ok';
    });
  }

  async removeRoleMember(customerId: string, roleId: string, userId: string, receipt?: WriteReceipt): Promise<boolean> {
    if (!receipt) return (await this.pool.query(sql.deleteRoleMember, [customerId, roleId, userId])).rowCount === 1;
    return this.transaction(async (c) => {
      if ((await c.query(sql.deleteRoleMember, [customerId, roleId, userId])).rowCount !== 1) return false;
      await this.writeReceipt(c, receipt);
      return true;
    });
  }

  async listRoleMembers(customerId: string, roleId: string, size: number, after?: KeysetPosition): Promise<Page<RoleMember>> {
    const q = roleMembersSql(customerId, roleId, size + 1, after?.id);
    const rows = (await this.pool.query(numberPlaceholders(q.text), q.params)).rows.map(roleMemberFromRow);
    const more = rows.length > size;
    if (more) rows.length = size;
    const last = rows[rows.length - 1];
    return { items: rows, next: more ? { key: last.userId, id: last.userId } : undefined };
  }

  async listUserRoleIds(customerId: string, userId: string): Promise<string[]> {
    return (await this.pool.query(sql.userRoleIds, [customerId, userId])).rows.map((r) => r.role_id);
  }
}
