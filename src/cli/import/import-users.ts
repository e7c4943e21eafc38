/**
 * Creates the users of validated template rows with bounded concurrency. A user principal name
 * that already exists (409 / 60011) counts as done, so a re-run completes an interrupted import
 * without duplicates.
 */
import { type CustomerUserCollectionOperations, PartnerError, filters } from '@tenantry/sdk';
import type { ImportRow } from './bulk-template.js';
import { rowRequestId } from './request-id.js';

export type RowStatus = 'created' | 'exists' | 'invalid' | 'failed';

export interface RowResult {
  row: Partial<ImportRow> & { line: number };
  status: RowStatus;
  userId?: string;
  temporaryPassword?: string;
  error?: string;
}

export interface ImportOptions {
  customerId: string;
  users: CustomerUserCollectionOperations;
  rows: ImportRow[];
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  forceChangePassword?: boolean;
  signal?: AbortSignal;
  onResult?: (result: RowResult) => void | Promise<void>;
}

const userExists = 60011;

/**
 * Imports the rows and returns one result per row, in completion order.
 *
 * @example
 * const results = await importUsers({ customerId, users: partner.customers.byId(customerId).users, rows });
 */
export async function importUsers(options: ImportOptions): Promise<RowResult[]> {
  const { rows, signal } = options;
  const results: RowResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < rows.length && !signal?.aborted) {
      const row = rows[next++];
      const result = await importRow(options, row);
      if (!result) return; // aborted mid-request: the row stays undone
      results.push(result);
      await options.onResult?.(result);
    }
  };
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 8, 64));
  await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
  return results;
}

async function importRow(options: ImportOptions, row: ImportRow): Promise<RowResult | undefined> {
  const body = {
    userPrincipalName: row.userPrincipalName,
    displayName: row.displayName,
    ...(row.firstName ? { firstName: row.firstName } : {}),
    ...(row.lastName ? { lastName: row.lastName } : {}),
    ...(row.usageLocation ? { usageLocation: row.usageLocation } : {}),
    passwordProfile: { forceChangePassword: options.forceChangePassword ?? true },
  };
  try {
    const user = await options.users.create(body, { requestId: rowRequestId(options.customerId, body), signal: options.signal });
    return { row, status: 'created', userId: user.id, temporaryPassword: user.passwordProfile?.password };
  } catch (err) {
    if (options.signal?.aborted) return undefined;
    if (err instanceof PartnerError && err.status === 409 && Number(err.code) === userExists) {
      return { row, status: 'exists', userId: await findUserId(options, row.userPrincipalName) };
    }
    return { row, status: 'failed', error: err instanceof PartnerError ? `${err.code ?? err.status}: ${err.description}` : String(err) };
  }
}

/** The id of the active user holding a user principal name, for the results file. */
async function findUserId(options: ImportOptions, upn: string): Promise<string | undefined> {
  try {
    const page = await options.users.query({ size: 1, filter: filters.equals('UserPrincipalName', upn) }, { signal: options.signal });
    return page.items[0]?.id;
  } catch {
    return undefined;
  }
}
