/**
 * Server settings, from flags and environment. Defaults suit a local Partner Center stand-in.
 */
import type { ExternalIssuer } from '../auth/token-service.js';
import { systemClock, type Clock } from '../domain/clock.js';
import { randomIds, type IdSource } from '../domain/id-source.js';
import { defaultRateLimit, type RateLimitConfig } from '../domain/rate-limit.js';

export interface ServerConfig {
  /** Prefix every JSON body with a UTF-8 byte-order mark, as Partner Center does (legacy PowerShell strips it). */
  bom: boolean;
  /** Nine digits sent as MS-ServerId. */
  serverId: string;
  /** How long deleted users stay restorable. */
  retentionMs: number;
  /** How often the purge sweep runs; 0 turns it off. */
  sweepIntervalMs: number;
  logLevel: string;
  issuer: string;
  audience: string;
  externalIssuers: ExternalIssuer[];
  /** Largest request body in bytes. */
  bodyLimit: number;
  /** Security (issue 7): throttling budgets, or off. */
  rateLimit: RateLimitConfig;
  /** Deepest JSON nesting a body may have (Partner Center bodies need 4). */
  jsonDepthLimit: number;
  /** Origins allowed to call the API from a browser; empty means CORS is off. */
  corsOrigins: string[];
  /** Send Strict-Transport-Security (only behind HTTPS; off for the loopback default). */
  hsts: boolean;
  /** Folder of the web UI's production build; default dist/web of the package. */
  webRoot?: string;
  /** Scale-out (issue 7): the cluster worker serving, sent as X-Tenantry-Worker. */
  workerId?: string;
  /** Write the log to stderr (with `--print-json`, stdout carries only the JSON line). */
  logToStderr?: boolean;
  /** Where time comes from (default real time). */
  clock: Clock;
  /** Where new object ids come from (default random GUIDs). */
  ids: IdSource;
  /** Emulator mode (issue 11): the `/_tenantry` control plane, workspaces and their clocks; off in production. */
  emulator?: EmulatorConfig;
}

/** Emulator mode settings (`serve --emulator`). */
export interface EmulatorConfig {
  /** The control plane's bearer credential; random per start unless TENANTRY_EMULATOR_ADMIN_TOKEN sets it. */
  adminToken: string;
  /**
   * How long a process trusts its cached copy of a workspace's clock and seed. Infinity when this
   * process is the only one serving (every change goes through it); 0 with `--workers N`, so a
   * clock moved through one worker holds on the next request to any other.
   */
  stateCacheMs?: number;
  /** Fault rules loaded into the default workspace at start (`--faults file.json`). */
  faultProfile?: { partnerId: string; rules: unknown[] };
  /** Request journal (issue 12): entries kept per workspace (default 10,000); 0 turns the journal and client checks off (`--journal off`). */
  journalSize?: number;
}

/** Journal entries kept per workspace unless `--journal-size` says otherwise. */
export const defaultJournalSize = 10_000;

export const defaultConfig: ServerConfig = {
  bom: false,
  serverId: '101112616',
  retentionMs: 30 * 24 * 3600 * 1000,
  sweepIntervalMs: 60_000,
  logLevel: 'info',
  issuer: 'urn:tenantry',
  audience: 'https://api.partnercenter.microsoft.com',
  externalIssuers: [],
  bodyLimit: 1024 * 1024,
  rateLimit: defaultRateLimit,
  jsonDepthLimit: 32,
  corsOrigins: [],
  hsts: false,
  clock: systemClock,
  ids: randomIds,
};

/**
 * Reads `TENANTRY_OIDC_ISSUERS`: a JSON array of `{ issuer, jwksUri, audience? }`.
 *
 * @example
 * TENANTRY_OIDC_ISSUERS='[{"issuer":"https://login.microsoftonline.com/<tid>/v2.0","jwksUri":"https://login.microsoftonline.com/<tid>/discovery/v2.0/keys"}]'
 */
export function externalIssuersFromEnv(value: string | undefined): ExternalIssuer[] {
  if (!value) return [];
  const parsed = JSON.parse(value) as ExternalIssuer[];
  if (!Array.isArray(parsed) || parsed.some((e) => typeof e.issuer !== 'string' || typeof e.jwksUri !== 'string')) {
    throw new Error('TENANTRY_OIDC_ISSUERS must be a JSON array of {"issuer","jwksUri","audience"?}');
  }
  return parsed;
}
