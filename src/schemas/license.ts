/**
 * Licensing resources: License (a user's), SubscribedSku (a customer's seats), LicenseUpdate
 * (assign and remove in one call), and the Tenantry extension's body for setting seats.
 */
import { Type, type Static } from '@sinclair/typebox';
import { AnyAttributes, ResourceAttributes } from './common.js';

const LicenseGroupId = Type.Union([Type.Literal('group1'), Type.Literal('group2')], { description: 'group1: Entra-managed products; group2: Minecraft' });
const TargetType = Type.Union([Type.Literal('User'), Type.Literal('Tenant')]);

export const ProductSku = Type.Object(
  {
    id: Type.String({ description: 'Product SKU id (GUID)' }),
    name: Type.String(),
    skuPartNumber: Type.String(),
    targetType: Type.Optional(TargetType),
    licenseGroupId: LicenseGroupId,
  },
  { $id: 'ProductSku' },
);

export const ServicePlan = Type.Object(
  {
    displayName: Type.String(),
    serviceName: Type.String(),
    id: Type.String(),
    capabilityStatus: Type.String({ description: 'Enabled (subscribed SKUs) or Assigned (user licences)' }),
    targetType: TargetType,
  },
  { $id: 'ServicePlan' },
);

export const License = Type.Object({ servicePlans: Type.Array(ServicePlan), productSku: ProductSku, attributes: ResourceAttributes }, { $id: 'License' });

export const SubscribedSku = Type.Object(
  {
    availableUnits: Type.Integer({ description: 'totalUnits − consumedUnits' }),
    activeUnits: Type.Integer(),
    consumedUnits: Type.Integer(),
    suspendedUnits: Type.Integer(),
    totalUnits: Type.Integer({ description: 'activeUnits + warningUnits' }),
    warningUnits: Type.Integer(),
    productSku: ProductSku,
    servicePlans: Type.Array(ServicePlan),
    capabilityStatus: Type.String(),
    attributes: ResourceAttributes,
  },
  { $id: 'SubscribedSku' },
);

export const LicenseAssignment = Type.Object(
  {
    skuId: Type.Optional(Type.String({ maxLength: 64, description: 'Product SKU id (GUID)' })),
    excludedPlans: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100, description: 'Service plan ids to leave off' })),
  },
  { additionalProperties: false },
);

/**
 * Body of POST …/licenseupdates, as the .NET SDK sends it (PascalCase, nulls for "none"). One
 * licence group per request; removals are applied before assignments.
 */
export const LicenseUpdateBody = Type.Object(
  {
    licensesToAssign: Type.Optional(Type.Array(LicenseAssignment, { maxItems: 100 })),
    licensesToRemove: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 })),
    licenseWarnings: Type.Optional(Type.Unknown()),
    attributes: AnyAttributes,
  },
  { additionalProperties: false },
);
export type LicenseUpdateBody = Static<typeof LicenseUpdateBody>;

export const LicenseUpdate = Type.Object(
  {
    licensesToAssign: Type.Optional(Type.Array(Type.Object({ excludedPlans: Type.Optional(Type.Array(Type.String())), skuId: Type.String() }))),
    licensesToRemove: Type.Optional(Type.Array(Type.String())),
    licenseWarnings: Type.Array(Type.Object({ code: Type.String(), message: Type.String(), servicePlans: Type.Array(Type.String()) })),
    attributes: ResourceAttributes,
  },
  { $id: 'LicenseUpdate' },
);

/** Query of the licence and SKU lists: repeat `licenseGroupIds` for several groups (default Group1). */
export const LicenseGroupQuery = Type.Object({
  licenseGroupIds: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], { description: 'Group1 (default) and/or Group2' })),
});
export type LicenseGroupQuery = Static<typeof LicenseGroupQuery>;

/**
 * Body of the Tenantry extension PUT …/subscribedskus/{skuId}. For a product outside the built-in
 * catalogue, describe it once with productSku and servicePlans.
 */
export const SubscribedSkuPut = Type.Object(
  {
    totalUnits: Type.Integer({ minimum: 0, maximum: 10_000_000, description: 'Seats bought (never below those assigned)' }),
    warningUnits: Type.Optional(Type.Integer({ minimum: 0, description: 'Of totalUnits, seats in a grace period' })),
    suspendedUnits: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
    productSku: Type.Optional(
      Type.Object({
        name: Type.String({ minLength: 1, maxLength: 256 }),
        skuPartNumber: Type.String({ minLength: 1, maxLength: 128 }),
        targetType: Type.Optional(TargetType),
        licenseGroupId: Type.Optional(Type.String({ description: 'group1 (default) or group2' })),
      }),
    ),
    servicePlans: Type.Optional(
      Type.Array(
        Type.Object({
          id: Type.String({ maxLength: 64 }),
          serviceName: Type.String({ minLength: 1, maxLength: 128 }),
          displayName: Type.String({ minLength: 1, maxLength: 256 }),
          targetType: Type.Optional(TargetType),
        }),
        { maxItems: 200 },
      ),
    ),
  },
  { additionalProperties: false },
);
export type SubscribedSkuPut = Static<typeof SubscribedSkuPut>;
