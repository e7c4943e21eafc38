/**
 * The licences of the users on screen (L1 per user, a few at a time), for the Licenses column.
 * Only the visible page is fetched, so the cost does not grow with the customer's size.
 */
import type { CustomerUser } from '@tenantry/sdk';
import { useEffect, useState } from 'react';
import { PartnerError } from '@tenantry/sdk';
import { userLicenses } from '../api/licensing';

/** Product names per user id; 'error' when unreadable, 'throttled' when the request budget ran out. */
export type LicenseValue = string[] | 'error' | 'throttled';
export type LicenseNames = Map<string, LicenseValue>;

const parallel = 4;
const startDelayMs = 300;

/**
 * @example
 * const licenses = useUserLicenses(customerId, page.items, true); // licenses.get(userId) → ['Microsoft 365 E3']
 */
export function useUserLicenses(customerId: string, users: CustomerUser[] | undefined, enabled: boolean): LicenseNames {
  const [names, setNames] = useState<LicenseNames>(new Map());
  useEffect(() => {
    setNames(new Map());
    if (!enabled || !users || users.length === 0) return;
    const abort = new AbortController();
    // Answers are applied together at most every 100 ms: one table update instead of one per user.
    const pending = new Map<string, LicenseValue>();
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      flushTimer = undefined;
      if (abort.signal.aborted || pending.size === 0) return;
      const batch = new Map(pending);
      pending.clear();
      setNames((m) => new Map([...m, ...batch]));
    };
    let next = 0;
    const worker = async () => {
      while (next < users.length && !abort.signal.aborted) {
        const user = users[next++];
        let value: LicenseValue;
        try {
          value = (await userLicenses(customerId, user.id, abort.signal, true)).map((l) => l.productSku.name);
        } catch (e) {
          value = e instanceof PartnerError && e.status === 429 ? 'throttled' : 'error';
          // Out of budget: leave the rest of the page unloaded rather than keep asking.
          if (value === 'throttled') for (const u of users.slice(next)) pending.set(u.id, 'throttled');
          if (value === 'throttled') next = users.length;
        }
        pending.set(user.id, value);
        flushTimer ??= setTimeout(flush, 100);
      }
    };
    // Started after a pause, so paging quickly through pages does not queue their licence
    // requests ahead of the next page on the server.
    const start = setTimeout(() => {
      for (let i = 0; i < parallel; i++) void worker();
    }, startDelayMs);
    return () => {
      abort.abort();
      clearTimeout(start);
      clearTimeout(flushTimer);
    };
  }, [customerId, users, enabled]);
  return names;
}
