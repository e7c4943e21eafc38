/**
 * Where the client commands connect and as whom: flags, then environment, then the login profile.
 */
import { createPartnerOperations, type FetchLike, type PartnerOperations } from '@tenantry/sdk';
import type { Command } from 'commander';
import { readProfile } from './profile.js';
import { UsageError } from './run-action.js';

export const defaultUrl = 'http://127.0.0.1:8080';

export interface GlobalOptions {
  url?: string;
  token?: string;
}

export interface Connection {
  url: string;
  token?: string;
  /** The default customer of the login profile, when it is for this URL. */
  customer?: string;
  partner: PartnerOperations;
}

const sameServer = (a: string, b: string) => a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();

/**
 * Resolves URL and token: `--url` / `--token`, then TENANTRY_URL / TENANTRY_TOKEN, then the
 * profile. The profile's token is only sent to the profile's own URL.
 *
 * @example
 * const { partner } = connect(command.optsWithGlobals());
 */
export function connect(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env, transport: { fetch?: FetchLike } = {}): Connection {
  const profile = readProfile(env);
  const url = options.url || env.TENANTRY_URL || profile?.url || defaultUrl;
  const fromProfile = profile && sameServer(profile.url, url) ? profile : undefined;
  const token = options.token || env.TENANTRY_TOKEN || fromProfile?.token;
  const partner = createPartnerOperations({ baseUrl: url, credentials: token ? { token } : undefined, clientName: 'Tenantry CLI', fetch: transport.fetch });
  return { url, token, customer: fromProfile?.customer, partner };
}

/** The customer of a command: `--customer`, its alias `--tenant-id`, TENANTRY_CUSTOMER, or the profile's. */
export function customerOf(options: { customer?: string; tenantId?: string }, connection: Connection, env: NodeJS.ProcessEnv = process.env): string {
  const id = options.customer || options.tenantId || env.TENANTRY_CUSTOMER || connection.customer;
  if (!id) throw new UsageError('No customer given: pass --customer ID (or --tenant-id ID), or store one with tenantry login --customer ID');
  return id;
}

/** Adds `--customer` and its PowerShell-style alias `--tenant-id`. */
export function withCustomerOption(command: Command): Command {
  return command
    .option('--customer <id>', 'customer tenant id (default: TENANTRY_CUSTOMER or the login profile)')
    .option('--tenant-id <id>', 'alias of --customer (the PowerShell parameter name)');
}
