/**
 * Emulator fault rules (issue 12), without I/O: checking a rule whole, matching a request,
 * the seeded probability draw, the `Tenantry-Fault` header, and the Partner Center-shaped answers.
 *
 * How counting works: every rule has two counters kept in the store, `matched` (calls that matched
 * everything but `nth` and `probability`) and `fired`. `nth: 3` fires on the call whose `matched`
 * count becomes 3; `probability` draws from a hash of (seed, matched count) (the rule id when no seed), so the same
 * seed fires on the same calls whatever process answers them; `times: N` retires the rule once
 * `fired` reaches N.
 *
 * @example
 * const problems = checkFaultRule({ match: { operation: 'users.list' }, effect: { status: 429 } });
 * // [] : the rule is acceptable
 */
import { createHash } from 'node:crypto';
import { Value } from '@sinclair/typebox/value';
import { Fault } from '../fault.js';
import { guidPattern } from '../guid.js';
import { FaultRuleInput, type FaultEffect, type FaultMatch, type FaultRule } from '../../schemas/emulator/fault-rule.js';

/** Every /v1 operation name a rule may name (see src/server/routes/operation-ids.ts). */
export const operationNames = [
  'customers.list', 'customers.get', 'customers.getCompanyProfile', 'customers.create',
  'users.list', 'users.get', 'users.create', 'users.update', 'users.delete',
  'licenses.list', 'licenseUpdates.create', 'subscribedSkus.list', 'subscribedSkus.put',
  'directoryRoles.list', 'userDirectoryRoles.list', 'roleMembers.list', 'roleMembers.create', 'roleMembers.delete',
  'auditRecords.list',
] as const;
const operationSet: ReadonlySet<string> = new Set(operationNames);

/** What the fault hook knows of one request when it decides. */
export interface FaultRequest {
  method: string;
  operation?: string;
  customerId?: string;
  /** Page of a list walk, when known (1 = no continuation token). */
  page?: number;
}

/**
 * Every problem of a proposed rule, each naming its JSON path; empty when the rule is acceptable.
 *
 * @example
 * checkFaultRule({ effect: { status: 418 } }); // ['/effect/status: …']
 */
export function checkFaultRule(input: unknown, path = ''): string[] {
  if (!Value.Check(FaultRuleInput, input)) {
    return [...Value.Errors(FaultRuleInput, input)].map((e) => `${path}${e.path || '/'}: ${e.message}`);
  }
  const problems: string[] = [];
  const rule = input as FaultRuleInput;
  const m = rule.match ?? {};
  const e = rule.effect;
  if (m.operation !== undefined && !operationSet.has(m.operation)) problems.push(`${path}/match/operation: unknown operation ${JSON.stringify(m.operation)}; one of ${operationNames.join(', ')}`);
  if (m.customerId !== undefined && !guidPattern.test(m.customerId.toLowerCase())) problems.push(`${path}/match/customerId: not a GUID`);
  if (m.method !== undefined && !/^(GET|POST|PATCH|PUT|DELETE)$/i.test(m.method)) problems.push(`${path}/match/method: not one of GET, POST, PATCH, PUT, DELETE`);
  if (m.seed !== undefined && m.probability === undefined) problems.push(`${path}/match/seed: only meaningful with probability`);
  const kinds = [e.status !== undefined, e.drop === true, e.truncate === true].filter(Boolean).length;
  const latency = e.latencyMs !== undefined || e.latencyMinMs !== undefined || e.latencyMaxMs !== undefined;
  if (kinds > 1) problems.push(`${path}/effect: choose one of status, drop, truncate (latency may accompany any)`);
  if (kinds === 0 && !latency) problems.push(`${path}/effect: empty; give status, latencyMs, latencyMinMs+latencyMaxMs, drop or truncate`);
  if (e.latencyMs !== undefined && (e.latencyMinMs !== undefined || e.latencyMaxMs !== undefined)) problems.push(`${path}/effect: latencyMs is fixed latency; do not combine it with latencyMinMs/latencyMaxMs`);
  if ((e.latencyMinMs === undefined) !== (e.latencyMaxMs === undefined)) problems.push(`${path}/effect: latencyMinMs and latencyMaxMs go together`);
  if (e.latencyMinMs !== undefined && e.latencyMaxMs !== undefined && e.latencyMinMs > e.latencyMaxMs) problems.push(`${path}/effect/latencyMinMs: larger than latencyMaxMs`);
  if (e.retryAfter !== undefined && e.status !== 429 && e.status !== 503) problems.push(`${path}/effect/retryAfter: only with status 429 or 503`);
  return problems;
}

/**
 * Checks a whole list of rules; throws one 400 / 800002 ApiFault listing every problem, so a
 * profile or a control-plane call is applied whole or not at all.
 */
export function requireFaultRules(inputs: unknown[]): FaultRuleInput[] {
  const problems = inputs.flatMap((input, i) => checkFaultRule(input, inputs.length > 1 ? `/rules/${i}` : ''));
  const ids = inputs.map((r) => (r as FaultRuleInput | null)?.id).filter((id): id is string => typeof id === 'string');
  if (new Set(ids).size !== ids.length) problems.push('/rules: two rules share an id');
  if (problems.length > 0) throw new Fault(400, 800002, `The fault rule is not valid: ${problems.join('; ')}`, problems);
  return inputs as FaultRuleInput[];
}

/** Does the request match the rule's fixed conditions (everything but nth and probability)? */
export function matchesRequest(match: FaultMatch, request: FaultRequest): boolean {
  if (match.method !== undefined && match.method.toUpperCase() !== request.method.toUpperCase()) return false;
  if (match.operation !== undefined && match.operation !== request.operation) return false;
  if (match.customerId !== undefined && match.customerId.toLowerCase() !== request.customerId?.toLowerCase()) return false;
  if (match.page !== undefined && match.page !== request.page) return false;
  return true;
}

/** A number in [0, 1) drawn from (seed, n): the same inputs always draw the same number. */
export function seededDraw(seed: string, n: number): number {
  return createHash('sha256').update(`${seed}\u0000${n}`).digest().readUInt32BE(0) / 0x1_0000_0000;
}

/** Given the rule's `matched` count after this call, does it fire? (nth, then probability.) */
export function firesOnCall(rule: Pick<FaultRule, 'id' | 'match'>, matched: number): boolean {
  if (rule.match.nth !== undefined && matched !== rule.match.nth) return false;
  if (rule.match.probability !== undefined) return seededDraw(rule.match.seed ?? rule.id, matched) < rule.match.probability;
  return true;
}

/** Has the rule fired as often as it may? */
export function retired(rule: Pick<FaultRule, 'times' | 'fired'>): boolean {
  return rule.times !== undefined && rule.fired >= rule.times;
}

/**
 * The effect asked for by a `Tenantry-Fault` header (Prism's `Prefer: code=503`), or a list of
 * problems. Accepts a status (`429`, `503`, …), `latency=200`, `latency=100-300`, `drop`, `truncate`,
 * and `retry-after=N` after a status, separated by `;` or `,`.
 *
 * @example
 * parseFaultHeader('429; retry-after=5'); // { effect: { status: 429, retryAfter: 5 } }
 */
export function parseFaultHeader(value: string): { effect: FaultEffect } | { problems: string[] } {
  const effect: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const raw of value.split(/[;,]/)) {
    const part = raw.trim().toLowerCase();
    if (part === '') continue;
    let m: RegExpExecArray | null;
    if (/^\d{3}$/.test(part)) effect.status = Number(part);
    else if ((m = /^latency=(\d{1,6})$/.exec(part))) effect.latencyMs = Number(m[1]);
    else if ((m = /^latency=(\d{1,6})-(\d{1,6})$/.exec(part))) { effect.latencyMinMs = Number(m[1]); effect.latencyMaxMs = Number(m[2]); }
    else if ((m = /^retry-after=(\d{1,6})$/.exec(part))) effect.retryAfter = Number(m[1]);
    else if (part === 'drop') effect.drop = true;
    else if (part === 'truncate') effect.truncate = true;
    else problems.push(`Tenantry-Fault: ${JSON.stringify(raw.trim().slice(0, 40))} is not a status, latency=MS, latency=MIN-MAX, retry-after=S, drop or truncate`);
  }
  if (problems.length > 0) return { problems };
  const checked = checkFaultRule({ effect }).map((p) => `Tenantry-Fault: ${p.replace(/^\/effect\/?/, '')}`);
  return checked.length > 0 ? { problems: checked } : { effect: effect as FaultEffect };
}

/** Retry-After seconds used when a rule gives none (an integer, as Partner Center's gateway sends). */
export const defaultRetryAfterSeconds = 2;

/** A Partner Center-shaped answer: status, headers and body text. */
export interface FaultAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The answer Partner Center gives for `status` (shapes from its gateway and PartnerFD):
 * 429 is the API gateway's throttling body, the others are ApiFaults.
 *
 * @example
 * faultAnswer(429, 5).headers['Retry-After']; // '5'
 */
export function faultAnswer(status: number, retryAfter?: number): FaultAnswer {
  const apiFault = (code: number, description: string, data: unknown[] = []) => JSON.stringify({ code, description, data, source: 'PartnerFD' });
  switch (status) {
    case 429: {
      const seconds = retryAfter ?? defaultRetryAfterSeconds;
      return { status, headers: { 'Retry-After': String(seconds) }, body: JSON.stringify({ statusCode: 429, message: `Rate limit is exceeded. Try again in ${seconds} seconds.` }) };
    }
    case 503: {
      const seconds = retryAfter ?? defaultRetryAfterSeconds;
      return { status, headers: { 'Retry-After': String(seconds) }, body: apiFault(503, 'ServerBusy: the service is temporarily unavailable. Retry after the time in Retry-After.') };
    }
    case 500: return { status, headers: {}, body: apiFault(800003, 'Unexpected service error') };
    case 401: return { status, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token", error_description="The token is expired"' }, body: apiFault(400, 'Access denied', ['The token is expired']) };
    case 403: return { status, headers: {}, body: apiFault(900150, 'The supplied role does not have the rights to perform the requested operation.') };
    case 404: return { status, headers: {}, body: apiFault(404, 'The requested resource was not found.') };
    case 400: return { status, headers: {}, body: apiFault(800002, 'The continuation token has expired. Start the list again without a continuation token.', ['MS-ContinuationToken']) };
    default: return { status: 500, headers: {}, body: apiFault(800003, 'Unexpected service error') };
  }
}

/** The latency an effect adds, drawing uniformly in [min, max] with `random` (0 ≤ random < 1). */
export function latencyOf(effect: FaultEffect, random: number): number {
  if (effect.latencyMs !== undefined) return effect.latencyMs;
  if (effect.latencyMinMs !== undefined && effect.latencyMaxMs !== undefined) return effect.latencyMinMs + Math.floor(random * (effect.latencyMaxMs - effect.latencyMinMs + 1));
  return 0;
}
