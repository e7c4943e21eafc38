/**
 * Consistency lag (issue 12): a decorator of the store the product's services use in emulator
 * mode. In a workspace whose settings ask for a lag, a write of a user, a user's licences or a
 * role membership also records a pending change (what reads saw before, and until when); reads
 * of that workspace then see the previous state until the change turns visible, on the
 * workspace clock (`after`) or after a number of reads (`afterReads`).
 *
 * Only reads of read requests (GET, HEAD) are overlaid: a write request checks and acts on the
 * real state, as Partner Center's writes do while its reads lag. Pending changes live in the
 * store, so every worker of a cluster answers alike.
 *
 * `afterReads: N`: a change stays hidden from the first N read requests that would have shown it
 * (a GET of the user, its licences or roles; a list page that held it or would have held it),
 * each request counting once whatever it reads; the next one sees it.
 */
import type { Clock } from '../../domain/clock.js';
import type { KeysetPosition } from '../../domain/continuation-token.js';
import { consistencyOf, isImmediate, type ConsistencySettings } from '../../domain/emulator/consistency.js';
import { addIsoDuration, parseIsoDuration } from '../../domain/emulator/iso-duration.js';
import { overlayKeysetPage, userListItem, userMatchesQuery, type KeyedItem } from '../../domain/emulator/lag-overlay.js';
import { isHidden, roleMemberEntity, type PendingChange, type PendingKind } from '../../domain/emulator/pending-change.js';
import type { RoleMember } from '../../domain/directory-roles.js';
import type { UserLicenseRecord } from '../../domain/licensing.js';
import type { UserListQuery } from '../../domain/user-list-query.js';
import { serializeCustomerUser, sortKey, type UserRecord } from '../../domain/user.js';
import { userPageItemsText, type Page, type Store, type UserPageJson } from '../../store/store.js';
import { currentWorkspace, type WorkspaceScope } from './request-context.js';

/** The per-request memory of the overlay: pending changes read, and reads counted. */
interface RequestMemory {
  pending: Map<string, Promise<PendingChange[]>>;
  /** `${customerId}\n${kind}\n${entityId}` → whether the change is still hidden for this request. */
  counted: Map<string, boolean>;
}

const pageLimit = 500;
const pendingKey = (customerId: string, kind: PendingKind, entityId: string) => `${customerId}\n${kind}\n${entityId}`;

/**
 * The store the services of an emulator use: `inner` plus the lag. Outside a lagged workspace
 * every call goes straight to `inner`.
 *
 * @example
 * const services = new UserService(laggedStore(store, emulator.clock), options);
 */
export function laggedStore(inner: Store, clock: Clock): Store {
  const memory = new WeakMap<WorkspaceScope, RequestMemory>();

  /** The running request's lagged workspace and its setting, or undefined (no lag). */
  const lagOf = (): { scope: WorkspaceScope; consistency: ConsistencySettings } | undefined => {
    const scope = currentWorkspace();
    if (!scope) return undefined;
    const consistency = consistencyOf(scope.workspace.settings);
    return isImmediate(consistency) ? undefined : { scope, consistency };
  };

  /** A read request in a lagged workspace. (A new setting clears what was pending, so an immediate workspace has nothing to show.) */
  const readScope = (): WorkspaceScope | undefined => {
    const lag = lagOf();
    return lag?.scope.read ? lag.scope : undefined;
  };

  const memoryOf = (scope: WorkspaceScope): RequestMemory => {
    let m = memory.get(scope);
    if (!m) memory.set(scope, (m = { pending: new Map(), counted: new Map() }));
    return m;
  };

  /** The customer's changes still hidden at the workspace's now (read once per request). */
  const hiddenChanges = async (scope: WorkspaceScope, customerId: string): Promise<PendingChange[]> => {
    const m = memoryOf(scope);
    let pending = m.pending.get(customerId);
    if (!pending) {
      pending = inner.listPendingChanges(scope.workspace.id, customerId);
      m.pending.set(customerId, pending);
    }
    const now = clock.now().toISOString();
    return (await pending).filter((c) => isHidden(c, now) || m.counted.get(pendingKey(c.customerId, c.kind, c.entityId)) === true);
  };

  /** Counts this request as a read of the change; true while it is still hidden for this request. */
  const countRead = async (scope: WorkspaceScope, change: PendingChange): Promise<boolean> => {
    if (change.readsLeft === undefined) return true;
    const m = memoryOf(scope);
    const key = pendingKey(change.customerId, change.kind, change.entityId);
    const known = m.counted.get(key);
    if (known !== undefined) return known;
    const hidden = await inner.consumePendingRead(scope.workspace.id, change.customerId, change.kind, change.entityId);
    m.counted.set(key, hidden);
    return hidden;
  };

  /** The hidden change of one entity, counted as read. */
  const hiddenChange = async (scope: WorkspaceScope, customerId: string, kind: PendingKind, entityId: string): Promise<PendingChange | undefined> => {
    const change = (await hiddenChanges(scope, customerId)).find((c) => c.kind === kind && c.entityId === entityId);
    return change && (await countRead(scope, change)) ? change : undefined;
  };

  /**
   * Records a write's pending change. What reads see meanwhile is what they saw before the write:
   * the previous change's state while that one is still hidden, else the state before this write.
   */
  const record = async (lag: { scope: WorkspaceScope; consistency: ConsistencySettings }, customerId: string, kind: PendingKind, entityId: string, before: string | undefined) => {
    const partnerId = lag.scope.workspace.id;
    const now = clock.now();
    const existing = (await inner.listPendingChanges(partnerId, customerId)).find((c) => c.kind === kind && c.entityId === entityId);
    const previousJson = existing && isHidden(existing, now.toISOString()) ? existing.previousJson : before;
    const { after, afterReads } = lag.consistency;
    const timing = afterReads !== undefined ? { readsLeft: afterReads } : { visibleAt: addIsoDuration(now, parseIsoDuration(after!)).toISOString() };
    await inner.putPendingChange({ partnerId, customerId, kind, entityId, previousJson, ...timing });
  };

  /** A role membership as role member lists show it, or undefined when they do not show it. */
  const memberJson = (user: UserRecord | undefined): string | undefined =>
    user && user.state === 'active' ? JSON.stringify({ userId: user.id, displayName: user.displayName, userPrincipalName: user.userPrincipalName } satisfies RoleMember) : undefined;

  /** Reads `count` real users from `after` on (several store pages when more than one page's worth). */
  const realUsers = async (partnerId: string, customerId: string, query: UserListQuery, count: number, after?: KeysetPosition) => {
    const items: KeyedItem<string>[] = [];
    let position = after;
    for (;;) {
      const page = await inner.readUserPage(partnerId, customerId, query, Math.min(pageLimit, count - items.length), position);
      if (!page) return undefined;
      const text = userPageItemsText(page);
      const users = text === '' ? [] : (JSON.parse(`[${text}]`) as Record<string, string>[]);
      for (const u of users) items.push({ key: sortKey(u[query.sortField]), id: u.id, value: JSON.stringify(u) });
      if (!page.next) return { items, more: false };
      if (items.length >= count) return { items, more: true };
      position = page.next;
    }
  };

  /** A page of users as a read in a lagged workspace sees it: pending changes undone. */
  const laggedUserPage = async (scope: WorkspaceScope, partnerId: string, customerId: string, query: UserListQuery, size: number, after?: KeysetPosition): Promise<UserPageJson | undefined> => {
    const changes = (await hiddenChanges(scope, customerId)).filter((c) => c.kind === 'user');
    if (changes.length === 0) return inner.readUserPage(partnerId, customerId, query, size, after);
    const real = await realUsers(partnerId, customerId, query, size + changes.length, after);
    if (!real) return undefined;
    const overlay = async (shown: PendingChange[]) => {
      const replacements = new Map<string, KeyedItem<string> | null>();
      for (const c of shown) {
        const previous = c.previousJson === undefined ? undefined : (JSON.parse(c.previousJson) as UserRecord);
        replacements.set(c.entityId, previous && userMatchesQuery(previous, query) ? userListItem(previous, query, serializeCustomerUser(previous)) : null);
      }
      return overlayKeysetPage(real.items, real.more, replacements, query.direction, size, after);
    };
    let page = await overlay(changes);
    // Counting reads can reveal a change (another request took its last read): then without it.
    const stillHidden = await Promise.all(changes.map(async (c) => !page.touched.has(c.entityId) || (await countRead(scope, c))));
    if (stillHidden.includes(false)) page = await overlay(changes.filter((_, i) => stillHidden[i]));
    return { itemsJson: page.items.map((i) => i.value), count: page.items.length, next: page.next };
  };

  /** A user's role ids as a read in a lagged workspace sees them. */
  const laggedRoleIds = async (scope: WorkspaceScope, customerId: string, userId: string): Promise<string[]> => {
    const real = await inner.listUserRoleIds(customerId, userId);
    const ids = new Set(real);
    for (const c of await hiddenChanges(scope, customerId)) {
      const [roleId, memberId] = c.entityId.split('/');
      if (c.kind !== 'roleMember' || memberId !== userId || !(await countRead(scope, c))) continue;
      if (c.previousJson === undefined) ids.delete(roleId);
      else ids.add(roleId);
    }
    return [...ids].sort();
  };

  /** A role's members as a read in a lagged workspace sees them. */
  const laggedRoleMembers = async (scope: WorkspaceScope, customerId: string, roleId: string, size: number, after?: KeysetPosition): Promise<Page<RoleMember>> => {
    const all = await hiddenChanges(scope, customerId);
    const members = all.filter((c) => c.kind === 'roleMember' && c.entityId.startsWith(`${roleId}/`));
    // A user not visible yet is no member either; one with a hidden rename shows its old name.
    const users = all.filter((c) => c.kind === 'user');
    if (members.length + users.length === 0) return inner.listRoleMembers(customerId, roleId, size, after);
    const fetched = await inner.listRoleMembers(customerId, roleId, size + members.length + users.length, after);
    const item = (m: RoleMember): KeyedItem<RoleMember> => ({ key: m.userId, id: m.userId, value: m });
    const overlay = (shownMembers: PendingChange[], shownUsers: PendingChange[]) => {
      const replacements = new Map<string, KeyedItem<RoleMember> | null>();
      for (const c of shownUsers) if (c.previousJson === undefined) replacements.set(c.entityId, null);
      for (const c of shownMembers) replacements.set(c.entityId.slice(roleId.length + 1), c.previousJson === undefined ? null : item(JSON.parse(c.previousJson) as RoleMember));
      const page = overlayKeysetPage(fetched.items.map(item), fetched.next !== undefined, replacements, 'asc', size, after);
      const renamed = new Map(shownUsers.filter((c) => c.previousJson !== undefined).map((c) => [c.entityId, JSON.parse(c.previousJson!) as UserRecord]));
      const items = page.items.map(({ value }) => {
        const old = renamed.get(value.userId);
        return old ? { ...value, displayName: old.displayName, userPrincipalName: old.userPrincipalName } : value;
      });
      const touched = new Set([...page.touched, ...items.filter((m) => renamed.has(m.userId)).map((m) => m.userId)]);
      return { items, next: page.next, touched };
    };
    let page = overlay(members, users);
    const memberShown = await Promise.all(members.map(async (c) => !page.touched.has(c.entityId.slice(roleId.length + 1)) || (await countRead(scope, c))));
    const userShown = await Promise.all(users.map(async (c) => !page.touched.has(c.entityId) || (await countRead(scope, c))));
    if (memberShown.includes(false) || userShown.includes(false)) {
      page = overlay(members.filter((_, i) => memberShown[i]), users.filter((_, i) => userShown[i]));
    }
    return { items: page.items, next: page.next };
  };

  // Outside a lagged read, each read below returns the inner store's own promise, not one of its
  // own around it: with the emulator's request context (AsyncLocalStorage) on, every extra
  // promise on a page's path costs, and most workspaces have no lag.
  const overrides: Partial<Store> = {
    findUser(customerId, userId) {
      const scope = readScope();
      if (!scope) return inner.findUser(customerId, userId);
      return hiddenChange(scope, customerId, 'user', userId).then((change) => {
        if (!change) return inner.findUser(customerId, userId);
        return change.previousJson === undefined ? undefined : (JSON.parse(change.previousJson) as UserRecord);
      });
    },

    findUserJson(customerId, userId) {
      const scope = readScope();
      if (!scope) return inner.findUserJson(customerId, userId);
      return hiddenChange(scope, customerId, 'user', userId).then((change) => {
        if (!change) return inner.findUserJson(customerId, userId);
        return change.previousJson === undefined ? undefined : serializeCustomerUser(JSON.parse(change.previousJson) as UserRecord);
      });
    },

    readUserPage(partnerId, customerId, query, size, after): Promise<UserPageJson | undefined> {
      const scope = readScope();
      if (!scope) return inner.readUserPage(partnerId, customerId, query, size, after);
      return laggedUserPage(scope, partnerId, customerId, query, size, after);
    },

    listUserLicenses(customerId, userId): Promise<UserLicenseRecord[]> {
      const scope = readScope();
      if (!scope) return inner.listUserLicenses(customerId, userId);
      return hiddenChange(scope, customerId, 'license', userId).then((change) => {
        if (!change) return inner.listUserLicenses(customerId, userId);
        return change.previousJson === undefined ? [] : (JSON.parse(change.previousJson) as UserLicenseRecord[]);
      });
    },

    listUserRoleIds(customerId, userId) {
      const scope = readScope();
      if (!scope) return inner.listUserRoleIds(customerId, userId);
      return laggedRoleIds(scope, customerId, userId);
    },

    listRoleMembers(customerId, roleId, size, after): Promise<Page<RoleMember>> {
      const scope = readScope();
      if (!scope) return inner.listRoleMembers(customerId, roleId, size, after);
      return laggedRoleMembers(scope, customerId, roleId, size, after);
    },
    async insertUser(row, passwordHash, receipt) {
      const result = await inner.insertUser(row, passwordHash, receipt);
      const lag = lagOf();
      if (lag && result === 'ok') await record(lag, row.customerId, 'user', row.id, undefined);
      return result;
    },

    async updateUser(row, change) {
      const lag = lagOf();
      if (!lag) return inner.updateUser(row, change);
      const before = await inner.findUser(row.customerId, row.id);
      const licensesBefore = change?.licenses ? await inner.listUserLicenses(row.customerId, row.id) : undefined;
      const statusChanges = before !== undefined && before.state !== row.state;
      const roleIds = statusChanges ? await inner.listUserRoleIds(row.customerId, row.id) : [];
      const outcome = await inner.updateUser(row, change);
      if (outcome.result !== 'ok') return outcome;
      await record(lag, row.customerId, 'user', row.id, before && JSON.stringify(before));
      if (licensesBefore) await record(lag, row.customerId, 'license', row.id, JSON.stringify(licensesBefore));
      // A delete takes the user out of its roles' member lists, a restore puts it back: lagged too.
      for (const roleId of roleIds) await record(lag, row.customerId, 'roleMember', roleMemberEntity(roleId, row.id), memberJson(before));
      return outcome;
    },

    async applyLicenseUpdate(customerId, userId, plan, now, receipt) {
      const lag = lagOf();
      if (!lag) return inner.applyLicenseUpdate(customerId, userId, plan, now, receipt);
      const before = await inner.listUserLicenses(customerId, userId);
      const outcome = await inner.applyLicenseUpdate(customerId, userId, plan, now, receipt);
      if (outcome.kind === 'ok') await record(lag, customerId, 'license', userId, JSON.stringify(before));
      return outcome;
    },

    async addRoleMember(customerId, roleId, userId, now, receipt) {
      const result = await inner.addRoleMember(customerId, roleId, userId, now, receipt);
      const lag = lagOf();
      if (lag && result === 'ok') await record(lag, customerId, 'roleMember', roleMemberEntity(roleId, userId), undefined);
      return result;
    },

    async removeRoleMember(customerId, roleId, userId, receipt) {
      const lag = lagOf();
      if (!lag) return inner.removeRoleMember(customerId, roleId, userId, receipt);
      const user = await inner.findUser(customerId, userId);
      const removed = await inner.removeRoleMember(customerId, roleId, userId, receipt);
      if (removed) await record(lag, customerId, 'roleMember', roleMemberEntity(roleId, userId), memberJson(user));
      return removed;
    },
  };

  // Every other method (and these, outside a lagged workspace) is the inner store's own, bound
  // once (a bind per call was an allocation on every store call of every request).
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(inner, {
    get(target, property) {
      const own = typeof property === 'string' && Object.hasOwn(overrides, property) ? overrides[property as keyof Store] : undefined;
      if (own) return own;
      const value = Reflect.get(target, property) as unknown;
      if (typeof value !== 'function') return value;
      let fn = bound.get(property);
      if (fn === undefined) bound.set(property, (fn = value.bind(target)));
      return fn;
    },
  });
}
