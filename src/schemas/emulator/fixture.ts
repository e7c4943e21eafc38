/**
 * The emulator's fixture (issue 11): a workspace's starting data as one declarative JSON document.
 * Defined once here; it feeds the loader's validation, the OpenAPI document (schema `Fixture`),
 * `GET /_tenantry/fixture.schema.json`, the SDK's types and the export (which answers this shape).
 *
 * Users are referred to by UPN or id (`licenses[].user`, `roleMembers[].users`); roles by id or name.
 */
import { Type, type Static } from '@sinclair/typebox';

const Guid = Type.String({ maxLength: 64, description: 'GUID' });
const Instant = Type.String({ maxLength: 40, description: 'UTC ISO-8601 instant, e.g. 2026-01-01T00:00:00Z' });
const Text = (maxLength: number, description?: string) => Type.String({ maxLength, ...(description ? { description } : {}) });

export const FixtureUser = Type.Object(
  {
    id: Type.Optional(Guid),
    userPrincipalName: Type.String({ minLength: 3, maxLength: 113, description: "name@domain, the domain one of the customer's" }),
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Default: firstName lastName, or the UPN' })),
    firstName: Type.Optional(Text(64)),
    lastName: Type.Optional(Text(64)),
    usageLocation: Type.Optional(Type.String({ minLength: 2, maxLength: 2, description: 'ISO 3166 country code' })),
    immutableId: Type.Optional(Text(256)),
    phoneNumber: Type.Optional(Text(64)),
    userDomainType: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('managed'), Type.Literal('federated')])),
    lastDirectorySyncTime: Type.Optional(Instant),
    softDeletionTime: Type.Optional(Type.String({ maxLength: 40, description: 'UTC ISO-8601 instant; set: the user is deleted (restorable) since then' })),
    createdAt: Type.Optional(Instant),
    updatedAt: Type.Optional(Instant),
  },
  { $id: 'FixtureUser', additionalProperties: false },
);
export type FixtureUser = Static<typeof FixtureUser>;

export const FixtureServicePlan = Type.Object(
  { id: Guid, serviceName: Type.String({ minLength: 1, maxLength: 128 }), displayName: Type.String({ minLength: 1, maxLength: 256 }), targetType: Type.Optional(Type.String({ maxLength: 16 })) },
  { additionalProperties: false },
);

export const FixtureSubscribedSku = Type.Object(
  {
    skuId: Guid,
    seats: Type.Integer({ minimum: 0, maximum: 10_000_000, description: 'Seats bought (totalUnits)' }),
    warningUnits: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
    suspendedUnits: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
    product: Type.Optional(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 256 }),
          skuPartNumber: Type.String({ minLength: 1, maxLength: 128 }),
          targetType: Type.Optional(Type.String({ maxLength: 16 })),
          licenseGroupId: Type.Optional(Type.String({ maxLength: 16 })),
          servicePlans: Type.Array(FixtureServicePlan, { maxItems: 200 }),
        },
        { additionalProperties: false, description: 'Only for a product outside the built-in catalogue' },
      ),
    ),
  },
  { $id: 'FixtureSubscribedSku', additionalProperties: false },
);
export type FixtureSubscribedSku = Static<typeof FixtureSubscribedSku>;

export const FixtureLicenses = Type.Object(
  {
    user: Type.String({ minLength: 1, maxLength: 113, description: 'UPN or id of a user of this customer' }),
    skuIds: Type.Array(Guid, { maxItems: 100 }),
    excludedPlans: Type.Optional(Type.Array(Type.Object({ skuId: Guid, servicePlanIds: Type.Array(Guid, { maxItems: 200 }) }, { additionalProperties: false }), { maxItems: 100 })),
  },
  { $id: 'FixtureLicenses', additionalProperties: false, description: "A user's licences: one per SKU (a deleted user's are suspended and use no seat)" },
);
export type FixtureLicenses = Static<typeof FixtureLicenses>;

export const FixtureRoleMembers = Type.Object(
  {
    role: Type.String({ minLength: 1, maxLength: 128, description: "Directory role id or name, e.g. 'Helpdesk Administrator'" }),
    users: Type.Array(Type.String({ minLength: 1, maxLength: 113 }), { description: 'UPNs or ids of users of this customer' }),
  },
  { $id: 'FixtureRoleMembers', additionalProperties: false },
);
export type FixtureRoleMembers = Static<typeof FixtureRoleMembers>;

export const FixtureCustomer = Type.Object(
  {
    id: Type.Optional(Guid),
    companyName: Type.String({ minLength: 1, maxLength: 256 }),
    domain: Type.String({ minLength: 1, maxLength: 253, description: 'Primary domain; a bare name gets .onmicrosoft.com' }),
    commerceId: Type.Optional(Guid),
    customDomains: Type.Optional(Type.Array(Type.String({ maxLength: 253 }), { maxItems: 50 })),
    billingProfile: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'As the customer resource shows it (without id, links, attributes)' })),
    createdAt: Type.Optional(Instant),
    users: Type.Optional(Type.Array(FixtureUser)),
    generate: Type.Optional(
      Type.Object(
        {
          count: Type.Integer({ minimum: 0, maximum: 10_000_000 }),
          seed: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "Default: the workspace's seed" })),
        },
        { additionalProperties: false, description: 'Synthetic users added after the listed ones' },
      ),
    ),
    subscribedSkus: Type.Optional(Type.Array(FixtureSubscribedSku, { maxItems: 100 })),
    licenses: Type.Optional(Type.Array(FixtureLicenses)),
    roleMembers: Type.Optional(Type.Array(FixtureRoleMembers, { maxItems: 100 })),
  },
  { $id: 'FixtureCustomer', additionalProperties: false },
);
export type FixtureCustomer = Static<typeof FixtureCustomer>;

export const Fixture = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    customers: Type.Optional(Type.Array(FixtureCustomer, { maxItems: 10_000 })),
  },
  { $id: 'Fixture', additionalProperties: false, description: "A workspace's data: customers, their users, seats, licences and role members" },
);
export type Fixture = Static<typeof Fixture>;

/**
 * The fixture's JSON Schema (draft 2020-12) as a standalone document, from the TypeBox source.
 *
 * @example
 * writeFileSync('fixture.schema.json', JSON.stringify(fixtureJsonSchema(), null, 2));
 */
export function fixtureJsonSchema(): Record<string, unknown> {
  // JSON round trip drops TypeBox's symbol-keyed metadata; nested $ids stay valid (they are inlined).
  const schema = JSON.parse(JSON.stringify(Fixture)) as Record<string, unknown>;
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...schema, $id: 'https://tenantry.dev/schemas/fixture.schema.json', title: 'Tenantry emulator fixture' };
}
