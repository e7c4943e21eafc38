/**
 * The licences of the users on screen (L1 per user, a few at a time), for the Licenses column.
 * Only the visible page is fetched, so the cost does not grow with the customer's size.
 */
import type { CustomerUser } from '@tenantry/sdk';
import { useEffect, useState } from 'react';
import { userLicenses } from '../api/licensing';

/** Product names per user id; 'error' when that user's licences could not be read. */
export type LicenseNames = Map<string, string[] | 'error'>;

const parallel = 4;
const startDelayMs = 300;

export function useUserLicenses(customerId: string, users: CustomerUser[] | undefined, enabled: boolean): LicenseNames {
  const [names, setNames] = useState<LicenseNames>(new Map());
  useEffect(() => {
    setNames(new Map());
    if (!enabled || !users || users.length === 0) return;
    const abort = new AbortController();
    // Answers are applied together at most every 100 ms: one table update instead of one per user.
    const pending = new Map<string, string[] | 'error'>();
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
        let value: string[] | 'error';
        try {
          value = (await userLicenses(customerId, user.id, abort.signal)).map((l) => l.productSku.name);
        } catch {
          value = 'error';
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
