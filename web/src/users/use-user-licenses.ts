/**
 * The licences of the users on screen (L1 per user, a few at a time), for the Licenses column.
 * Only the visible page is fetched, so the cost does not grow with the customer's size.
 */
import type { CustomerUser } from '@tenantry/sdk';
import { useEffect, useState } from 'react';
import { userLicenses } from '../api/licensing';

/** Product names per user id; 'error' when that user's licences could not be read. */
export type LicenseNames = Map<string, string[] | 'error'>;

const parallel = 6;

export function useUserLicenses(customerId: string, users: CustomerUser[] | undefined, enabled: boolean): LicenseNames {
  const [names, setNames] = useState<LicenseNames>(new Map());
  useEffect(() => {
    setNames(new Map());
    if (!enabled || !users || users.length === 0) return;
    const abort = new AbortController();
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
        if (!abort.signal.aborted) setNames((m) => new Map(m).set(user.id, value));
      }
    };
    for (let i = 0; i < parallel; i++) void worker();
    return () => abort.abort();
  }, [customerId, users, enabled]);
  return names;
}
