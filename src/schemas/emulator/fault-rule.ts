/**
 * Emulator fault rules (issue 12): which requests a rule matches and what it does to them.
 * The one source for the control plane's validation, its OpenAPI document and the SDK's types.
 *
 * @example
 * { "match": { "operation": "users.list", "page": 3 }, "effect": { "status": 404 }, "times": 1 }
 */
import { Type, type Static } from '@sinclair/typebox';

export const FaultMatch = Type.Object({
  method: Type.Optional(Type.String({ description: 'HTTP method, any case' })),
  operation: Type.Optional(Type.String({ description: 'Operation name, e.g. users.list, licenseUpdates.create' })),
  customerId: Type.Optional(Type.String({ description: 'Customer tenant id (GUID)' })),
  nth: Type.Optional(Type.Integer({ minimum: 1, description: 'Only the n-th call that matches everything else (1-based)' })),
  page: Type.Optional(Type.Integer({ minimum: 1, description: 'Page of a list walk: 1 = no continuation token, k = the (k-1)-th continuation' })),
  probability: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'Chance the rule fires on a matching call' })),
  seed: Type.Optional(Type.String({ maxLength: 200, description: 'Seed of the probability draw: the same seed fires on the same calls' })),
}, { additionalProperties: false });
export type FaultMatch = Static<typeof FaultMatch>;

export const FaultEffect = Type.Object({
  status: Type.Optional(Type.Union([401, 403, 404, 429, 400, 500, 503].map((s) => Type.Literal(s)), { description: 'A Partner Center-shaped answer' })),
  retryAfter: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400, description: 'Seconds sent as Retry-After with 429 and 503' })),
  latencyMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 120_000, description: 'Fixed added latency' })),
  latencyMinMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 120_000 })),
  latencyMaxMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 120_000 })),
  drop: Type.Optional(Type.Boolean({ description: 'Drop the connection without an answer' })),
  truncate: Type.Optional(Type.Boolean({ description: 'Send half of the real body with the full Content-Length, then drop' })),
}, { additionalProperties: false });
export type FaultEffect = Static<typeof FaultEffect>;

export const FaultRuleInput = Type.Object({
  // Not '.' or '..': in a URL those are path steps, so DELETE …/faults/.. would reach …/workspaces/{id}/, the workspace itself.
  id: Type.Optional(Type.String({ pattern: '^(?!\\.{1,2}$)[A-Za-z0-9._-]{1,64}$', description: "Chosen id (letters, digits, '.', '_', '-'; not '.' or '..'); generated when absent" })),
  match: Type.Optional(FaultMatch),
  effect: FaultEffect,
  times: Type.Optional(Type.Integer({ minimum: 1, description: 'Retires after firing this many times' })),
}, { additionalProperties: false });
export type FaultRuleInput = Static<typeof FaultRuleInput>;

export const FaultRule = Type.Object({
  id: Type.String(),
  match: FaultMatch,
  effect: FaultEffect,
  times: Type.Optional(Type.Integer()),
  /** Calls that matched so far (nth counts these). */
  matched: Type.Integer(),
  /** Times the rule fired so far (times counts these). */
  fired: Type.Integer(),
});
export type FaultRule = Static<typeof FaultRule>;

/** A profile file (`serve --emulator --faults faults.json`): `{ rules: [...] }` or a bare array. */
export const FaultProfile = Type.Object({ rules: Type.Array(FaultRuleInput) });
export type FaultProfile = Static<typeof FaultProfile>;

export const FaultRuleList = Type.Object({ totalCount: Type.Integer(), items: Type.Array(FaultRule) });
