/**
 * Read-ahead for walks of the users list, as a store decorator ({@link withPageReadAhead}).
 *
 * A walk (`tenantry users export`, the SDK's `pages()`) asks for page N+1 only once page N has
 * reached it, and on PostgreSQL each page is also a round trip to the database: the database idles
 * while the server sends a page, and the server idles while the database reads the next one. When
 * a page is asked for at the position that a page of this process handed out moments ago, the
 * walk is under way: as soon as this page is read, the page after it is read too, so the database
 * works on N+1 while N travels to the client.
 *
 * A page read ahead is handed out only while nothing has changed through this store since its read
 * began: every store method not in {@link pageNeutralMethods} counts as a change, from its call
 * until it settles, and drops every page read ahead. A change made through another process (a
 * cluster's other worker) cannot be seen here, so a page is handed out only within `maxAgeMs` of
 * its read: such a change is then missed only as if it had committed those milliseconds later.
 *
 * SQLite reads synchronously in the server's own thread, so there is nothing to overlap: only
 * PostgreSQL is opened with it ({@link openStore}).
 */
import type { KeysetPosition } from '../domain/continuation-token.js';
import type { UserListQuery } from '../domain/user-list-query.js';
import { RecentSet } from './recent-set.js';
import type { Store, UserPageJson } from './store.js';

export interface PageReadAheadOptions {
  /** How long after its read began a page read ahead may still be handed out, in ms (default 250). */
  maxAgeMs?: number;
  /** How long the next position of a page counts as a walk under way, in ms (default 1,000). */
  walkGapMs?: number;
  /** At most this many pages are held or being read ahead (default 16, ≤ 500 users each). */
  maxPages?: number;
}

/**
 * Store methods that change neither users nor which customer is whose, so a page read before
 * them is still what a read after them would return. Any other method, including one added later,
 * drops the pages read ahead: a missing name here costs speed, never a stale page.
 */
export const pageNeutralMethods: ReadonlySet<string> = new Set([
  'close',
  'getOrSetSetting',
  'listSigningKeys',
  'insertSigningKey',
  'retireSigningKey',
  'findCustomer',
  'listCustomers',
  'findUser',
  'findUserJson',
  'countUsers',
  'claimRequest',
  'completeRequest',
  'releaseRequest',
  'renewClaim',
  'purgeRequests',
  'countRequests',
  'purgeRateCounters',
  'insertAuditRecord',
  'listAuditRecords',
  'purgeAuditRecords',
  'insertPartnerAccount',
  'findPartnerAccount',
  'updatePartnerAccount',
  'listSubscribedSkus',
  'listUserLicenses',
  'listRoleMembers',
  'listUserRoleIds',
  'findWorkspace',
  'listWorkspaces',
  'drawWorkspaceRequestNumber',
  'listFaultRules',
  'insertFaultRules',
  'deleteFaultRule',
  'clearFaultRules',
  'countFaultRuleMatch',
  'countFaultRuleFire',
  'putPendingChange',
  'listPendingChanges',
  'consumePendingRead',
  'clearPendingChanges',
  'journal',
  'saveSnapshot',
  'listSnapshots',
  'deleteSnapshot',
  'readFixtureLicensing',
  'listUsersById',
]);

interface PageAhead {
  /** performance.now() when its read began. */
  started: number;
  page: Promise<UserPageJson | undefined>;
}

/**
 * The same store, with the users page read ahead during walks.
 *
 * @example
 * const store = withPageReadAhead(new PostgresStore(url));
 * const first = await store.readUserPage(partnerId, customerId, query, 500);
 * const second = await store.readUserPage(partnerId, customerId, query, 500, first!.next); // the third is being read
 */
export function withPageReadAhead(inner: Store, options: PageReadAheadOptions = {}): Store {
  const maxAgeMs = options.maxAgeMs ?? 250;
  const walkGapMs = options.walkGapMs ?? 1000;
  const maxPages = options.maxPages ?? 16;
  // Elapsed time on the process's monotonic timer, not the emulator's clock: these ages measure
  // how stale a read may be, which the workspace's travelled time says nothing about.
  const now = () => performance.now();
  const ahead = new Map<string, PageAhead>();
  // Positions recently handed out as a page's next. A walk needs only its newest one; few kept
  // means a random-depth reader (every token from an earlier walk) rarely looks like a walk and
  // reads a page for nothing.
  const handedOut = new RecentSet(64, walkGapMs);

  const positionKey = (partnerId: string, customerId: string, query: UserListQuery, size: number, after: KeysetPosition) =>
    JSON.stringify([partnerId, customerId, query.state, query.sortField, query.direction, query.search?.field ?? null, query.search?.operator ?? null, query.search?.value ?? null, size, after.key, after.id]);

  const fresh = (held: PageAhead | undefined): held is PageAhead => held !== undefined && now() - held.started <= maxAgeMs;

  const takeAhead = (key: string): PageAhead | undefined => {
    const held = ahead.get(key);
    ahead.delete(key);
    return fresh(held) ? held : undefined;
  };

  const holdAhead = (key: string, held: PageAhead) => {
    ahead.delete(key);
    ahead.set(key, held);
    if (ahead.size > maxPages) ahead.delete(ahead.keys().next().value as string);
  };

  const readUserPage = async (partnerId: string, customerId: string, query: UserListQuery, size: number, after?: KeysetPosition): Promise<UserPageJson | undefined> => {
    const at = after && positionKey(partnerId, customerId, query, size, after);
    const walking = at !== undefined && handedOut.has(at);
    const held = at === undefined ? undefined : takeAhead(at);
    const read = () => inner.readUserPage(partnerId, customerId, query, size, after);
    // A read ahead that failed is not this request's answer: it reads again, and reports its own outcome.
    const page = held ? await held.page.catch(read) : await read();
    const next = page?.next;
    if (next) {
      const key = positionKey(partnerId, customerId, query, size, next);
      handedOut.remember(key);
      if (walking && !fresh(ahead.get(key))) {
        const read = inner.readUserPage(partnerId, customerId, query, size, next);
        read.catch(() => {}); // handled where it is taken; one never taken must not end the process
        holdAhead(key, { started: now(), page: read });
      }
    }
    return page;
  };

  /** A change through this store: pages read ahead before it, or during it, may not show it. */
  const changing = <R>(run: () => R): R => {
    ahead.clear();
    const result = run();
    if (result instanceof Promise) return result.finally(() => ahead.clear()) as R;
    ahead.clear();
    return result;
  };

  return new Proxy(inner, {
    get(target, property) {
      if (property === 'readUserPage') return readUserPage;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (typeof property === 'string' && pageNeutralMethods.has(property)) return method.bind(target);
      return (...args: unknown[]) => changing(() => method.apply(target, args));
    },
  });
}
