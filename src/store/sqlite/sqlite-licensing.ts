/**
 * Licences and directory-role members on SQLite. Every seat change runs in one IMMEDIATE
 * transaction, which takes the database's write lock before reading: concurrent assignments,
 * from this process or another, are applied one after the other and can never oversubscribe.
 */
import type Database from 'better-sqlite3';
import { StatementCache } from './statement-cache.js';
import type { KeysetPosition } from '../../domain/continuation-token.js';
import type { RoleMember } from '../../domain/directory-roles.js';
import type { LicenseUpdateOutcome, LicenseUpdatePlan, SubscribedSkuRecord, SubscribedSkuWriteResult, UserLicenseRecord } from '../../domain/licensing.js';
import { LicenseUpdateAborted, licensingSql as sql, roleMemberFromRow, roleMembersSql, subscribedSkuFromRow, subscribedSkuValues, userLicenseFromRow } from '../queries/licensing-sql.js';
import type { Page, RoleMemberWriteResult, WriteReceipt } from '../store.js';

export class SqliteLicensing {
  private readonly statements: StatementCache;

  /** `writeReceipt` writes a receipt inside the running transaction (see `WriteReceipt`). */
  constructor(
    private readonly db: Database.Database,
    private readonly writeReceipt: (receipt?: WriteReceipt) => void = () => {},
  ) {
    this.statements = new StatementCache(db);
  }

  private stmt(text: string): Database.Statement {
    return this.statements.get(text);
  }

  putSubscribedSku(sku: SubscribedSkuRecord, receipt?: WriteReceipt): SubscribedSkuWriteResult {
    return this.db.transaction((): SubscribedSkuWriteResult => {
      const existing = this.stmt(sql.skuConsumed).get(sku.customerId, sku.product.id) as { consumed_units: number } | undefined;
      if (!existing) {
        this.stmt(sql.insertSku).run(...subscribedSkuValues({ ...sku, consumedUnits: 0 }));
        this.writeReceipt(receipt);
        return 'created';
      }
      const res = this.stmt(sql.setSkuUnits).run(sku.totalUnits, sku.warningUnits, sku.suspendedUnits, sku.updatedAt, sku.customerId, sku.product.id, sku.totalUnits);
      if (res.changes !== 1) return 'below_consumed';
      this.writeReceipt(receipt);
      return 'updated';
    }).immediate();
  }

  listSubscribedSkus(customerId: string): SubscribedSkuRecord[] {
    return (this.stmt(sql.selectSkus).all(customerId) as Record<string, unknown>[]).map(subscribedSkuFromRow);
  }

  listUserLicenses(customerId: string, userId: string): UserLicenseRecord[] {
    return (this.stmt(sql.activeLicenses).all(customerId, userId) as Record<string, unknown>[]).map(userLicenseFromRow);
  }

  private requireActiveUser(customerId: string, userId: string) {
    const user = this.stmt(sql.userState).get(customerId, userId) as { state: string } | undefined;
    if (!user) throw new LicenseUpdateAborted({ kind: 'user_missing' });
    if (user.state !== 'active') throw new LicenseUpdateAborted({ kind: 'user_inactive' });
  }

  applyLicenseUpdate(customerId: string, userId: string, plan: LicenseUpdatePlan, now: string, receipt?: WriteReceipt): LicenseUpdateOutcome {
    try {
      this.db.transaction(() => {
        this.requireActiveUser(customerId, userId);
        // Removals first: a swap frees its seat before the new licence takes one.
        for (const skuId of plan.remove) {
          if (this.stmt(sql.deleteActiveLicense).run(customerId, userId, skuId).changes === 0) throw new LicenseUpdateAborted({ kind: 'not_assigned', skuId });
          this.stmt(sql.releaseSeat).run(now, customerId, skuId);
        }
        for (const a of plan.assign) {
          const excluded = JSON.stringify(a.excludedPlans);
          // Already held: only the excluded plans change, no seat is taken.
          if (this.stmt(sql.updateExcludedPlans).run(excluded, customerId, userId, a.skuId).changes === 1) continue;
          if (this.stmt(sql.takeSeat).run(now, customerId, a.skuId).changes === 0) {
            const exists = this.stmt(sql.skuExists).get(customerId, a.skuId);
            throw new LicenseUpdateAborted(exists ? { kind: 'out_of_seats', skuId: a.skuId } : { kind: 'sku_missing', skuId: a.skuId });
          }
          this.stmt(sql.insertLicense).run(customerId, userId, a.skuId, excluded, now);
        }
        this.writeReceipt(receipt);
      }).immediate();
      return { kind: 'ok' };
    } catch (e) {
      if (e instanceof LicenseUpdateAborted) return e.outcome;
      throw e;
    }
  }

  suspendUserLicenses(customerId: string, userId: string, now: string): void {
    this.db.transaction(() => {
      for (const l of this.listUserLicenses(customerId, userId)) {
        this.stmt(sql.releaseSeat).run(now, customerId, l.skuId);
        this.stmt(sql.setLicenseActive).run(0, customerId, userId, l.skuId);
      }
    }).immediate();
  }

  resumeUserLicenses(customerId: string, userId: string, now: string): string[] {
    return this.db.transaction(() => {
      const unrestored: string[] = [];
      for (const r of this.stmt(sql.suspendedLicenses).all(customerId, userId) as { sku_id: string }[]) {
        if (this.stmt(sql.takeSeat).run(now, customerId, r.sku_id).changes === 1) {
          this.stmt(sql.setLicenseActive).run(1, customerId, userId, r.sku_id);
        } else {
          this.stmt(sql.deleteLicense).run(customerId, userId, r.sku_id);
          unrestored.push(r.sku_id);
        }
      }
      return unrestored;
    }).immediate();
  }

  addRoleMember(customerId: string, roleId: string, userId: string, now: string, receipt?: WriteReceipt): RoleMemberWriteResult {
    return this.db.transaction((): RoleMemberWriteResult => {
      const user = this.stmt(sql.userState).get(customerId, userId) as { state: string } | undefined;
      if (!user) return 'user_missing';
      if (user.state !== 'active') return 'user_inactive';
      if (this.stmt(sql.insertRoleMember).run(customerId, roleId, userId, now).changes !== 1) return 'exists';
      this.writeReceipt(receipt);
      return 'ok';
    }).immediate();
  }

  removeRoleMember(customerId: string, roleId: string, userId: string, receipt?: WriteReceipt): boolean {
    return this.db.transaction((): boolean => {
      if (this.stmt(sql.deleteRoleMember).run(customerId, roleId, userId).changes !== 1) return false;
      this.writeReceipt(receipt);
      return true;
    }).immediate();
  }

  listRoleMembers(customerId: string, roleId: string, size: number, after?: KeysetPosition): Page<RoleMember> {
    const q = roleMembersSql(customerId, roleId, size + 1, after?.id);
    const rows = (this.stmt(q.text).all(...q.params) as Record<string, unknown>[]).map(roleMemberFromRow);
    const more = rows.length > size;
    if (more) rows.length = size;
    const last = rows[rows.length - 1];
    return { items: rows, next: more ? { key: last.userId, id: last.userId } : undefined };
  }

  listUserRoleIds(customerId: string, userId: string): string[] {
    return (this.stmt(sql.userRoleIds).all(customerId, userId) as { role_id: string }[]).map((r) => r.role_id);
  }
}
