/**
 * Throttling budgets modelled on Partner Center's: fixed windows counted per partner and per
 * (partner, customer), writes stricter than reads. Partner Center publishes one figure, 500
 * requests per minute per customer, which is the default customer read budget here.
 */
import { lookup } from './lookup.js';

export interface RateLimitBudgets {
  /** Window length in seconds; counters reset at each window boundary. */
  windowSeconds: number;
  /** Reads (GET, HEAD) per window across all of a partner's customers. */
  partnerReads: number;
  /** Writes (POST, PATCH, PUT, DELETE) per window across all of a partner's customers. */
  partnerWrites: number;
  /** Reads per window on one customer. */
  customerReads: number;
  /** Writes per window on one customer. */
  customerWrites: number;
}

export interface RateLimitConfig {
  enabled: boolean;
  budgets: RateLimitBudgets;
}

export const defaultRateLimitBudgets: RateLimitBudgets = {
  windowSeconds: 60,
  partnerReads: 3000,
  partnerWrites: 600,
  customerReads: 500,
  customerWrites: 100,
};

export const defaultRateLimit: RateLimitConfig = { enabled: true, budgets: defaultRateLimitBudgets };

const budgetNames: Record<string, keyof RateLimitBudgets> = {
  window: 'windowSeconds',
  'partner-reads': 'partnerReads',
  'partner-writes': 'partnerWrites',
  'customer-reads': 'customerReads',
  'customer-writes': 'customerWrites',
};

/**
 * Reads `on` / `off` (the `--rate-limit` flag and `TENANTRY_RATE_LIMIT`).
 *
 * @example
 * parseRateLimitSwitch('off'); // false
 */
export function parseRateLimitSwitch(value: string | undefined): boolean {
  const v = (value ?? 'on').trim().toLowerCase();
  if (['on', 'true', '1', 'yes'].includes(v)) return true;
  if (['off', 'false', '0', 'no'].includes(v)) return false;
  throw new Error(`Invalid rate limit switch ${value}: use on or off`);
}

/**
 * Reads budgets written as `name=value` pairs; unnamed budgets keep their defaults.
 *
 * @example
 * parseRateLimitBudgets('customer-reads=1000,customer-writes=200,window=60');
 */
export function parseRateLimitBudgets(spec: string | undefined, base: RateLimitBudgets = defaultRateLimitBudgets): RateLimitBudgets {
  const budgets = { ...base };
  if (!spec?.trim()) return budgets;
  for (const part of spec.split(',')) {
    const [name, raw] = part.split('=').map((s) => s.trim());
    const key = lookup(budgetNames, name?.toLowerCase() ?? '');
    const value = Number(raw);
    if (!key || !Number.isInteger(value) || value < 1) {
      throw new Error(`Invalid rate limit budget "${part}": use ${Object.keys(budgetNames).join(', ')} with a positive integer`);
    }
    budgets[key] = value;
  }
  return budgets;
}

/** Whether a method counts against the write budgets. */
export const isWrite = (method: string) => !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());

/** One counter's state after a request. */
export interface CounterState {
  limit: number;
  count: number;
}

/**
 * The counter to report in the `X-RateLimit-*` headers: the one with the fewest requests left
 * (on a tie, the smaller budget).
 *
 * @example
 * bindingCounter([{ limit: 3000, count: 10 }, { limit: 500, count: 10 }]); // { limit: 500, count: 10 }
 */
export function bindingCounter(counters: CounterState[]): CounterState {
  return counters.reduce((a, b) => {
    const ra = a.limit - a.count;
    const rb = b.limit - b.count;
    return rb < ra || (rb === ra && b.limit < a.limit) ? b : a;
  });
}

/** Partner Center's gateway body for a throttled request (not an ApiFault). */
export const throttledBody = (retryAfterSeconds: number) =>
  JSON.stringify({ statusCode: 429, message: `Rate limit is exceeded. Try again in ${retryAfterSeconds} seconds.` });
