/**
 * Customer tenants of a partner, with their company and billing profiles.
 */
import { Type, type Static } from '@sinclair/typebox';
import { AnyAttributes, Guid, Link, ResourceAttributes } from './common.js';

export const Address = Type.Object({
  country: Type.Optional(Type.String({ maxLength: 2 })),
  region: Type.Optional(Type.String({ maxLength: 100 })),
  city: Type.Optional(Type.String({ maxLength: 100 })),
  state: Type.Optional(Type.String({ maxLength: 100 })),
  addressLine1: Type.Optional(Type.String({ maxLength: 200 })),
  addressLine2: Type.Optional(Type.String({ maxLength: 200 })),
  postalCode: Type.Optional(Type.String({ maxLength: 20 })),
  firstName: Type.Optional(Type.String({ maxLength: 50 })),
  middleName: Type.Optional(Type.String({ maxLength: 50 })),
  lastName: Type.Optional(Type.String({ maxLength: 50 })),
  phoneNumber: Type.Optional(Type.String({ maxLength: 50 })),
});

export const CustomerCompanyProfile = Type.Object(
  {
    tenantId: Guid,
    domain: Type.String(),
    companyName: Type.String(),
    links: Type.Optional(Type.Object({ self: Link })),
    attributes: ResourceAttributes,
  },
  { $id: 'CustomerCompanyProfile' },
);

export const CustomerBillingProfile = Type.Object({
  id: Type.Optional(Type.String()),
  firstName: Type.Optional(Type.String()),
  lastName: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
  culture: Type.Optional(Type.String()),
  language: Type.Optional(Type.String()),
  companyName: Type.Optional(Type.String()),
  defaultAddress: Type.Optional(Address),
  links: Type.Optional(Type.Object({ self: Link })),
  attributes: Type.Optional(ResourceAttributes),
});

export const RelationshipToPartner = Type.Union(
  ['unknown', 'reseller', 'advisor', 'syndication', 'microsoft_support', 'none'].map((v) => Type.Literal(v)),
);

export const Customer = Type.Object(
  {
    id: Guid,
    commerceId: Type.Optional(Type.String()),
    companyProfile: CustomerCompanyProfile,
    billingProfile: Type.Optional(CustomerBillingProfile),
    relationshipToPartner: RelationshipToPartner,
    allowDelegatedAccess: Type.Optional(Type.Boolean()),
    userCredentials: Type.Optional(Type.Object({ userName: Type.String(), password: Type.String() })),
    customDomains: Type.Optional(Type.Array(Type.String())),
    links: Type.Optional(Type.Object({ self: Link })),
    attributes: ResourceAttributes,
  },
  { $id: 'Customer' },
);
export type Customer = Static<typeof Customer>;

/** Body of POST /customers (the .NET SDK sends PascalCase; binding is case-insensitive). */
export const CustomerCreate = Type.Object(
  {
    companyProfile: Type.Optional(
      Type.Object(
        { domain: Type.Optional(Type.String({ maxLength: 253 })), companyName: Type.Optional(Type.String({ maxLength: 256 })), attributes: AnyAttributes },
        { additionalProperties: false },
      ),
    ),
    billingProfile: Type.Optional(
      Type.Object(
        {
          firstName: Type.Optional(Type.String({ maxLength: 50 })),
          lastName: Type.Optional(Type.String({ maxLength: 50 })),
          email: Type.Optional(Type.String({ maxLength: 256 })),
          culture: Type.Optional(Type.String({ maxLength: 20 })),
          language: Type.Optional(Type.String({ maxLength: 20 })),
          companyName: Type.Optional(Type.String({ maxLength: 256 })),
          defaultAddress: Type.Optional(Address),
          attributes: AnyAttributes,
        },
        { additionalProperties: false },
      ),
    ),
    customDomains: Type.Optional(Type.Array(Type.String({ maxLength: 253 }), { maxItems: 50 })),
    id: Type.Optional(Type.Unknown()),
    commerceId: Type.Optional(Type.Unknown()),
    relationshipToPartner: Type.Optional(Type.Unknown()),
    allowDelegatedAccess: Type.Optional(Type.Unknown()),
    userCredentials: Type.Optional(Type.Unknown()),
    links: Type.Optional(Type.Unknown()),
    attributes: AnyAttributes,
  },
  { additionalProperties: false },
);
export type CustomerCreate = Static<typeof CustomerCreate>;

export const ListCustomersQuery = Type.Object({
  size: Type.Optional(Type.String()),
  filter: Type.Optional(
    Type.String({ description: '{"Field":"CompanyName"|"Domain","Value":"…","Operator":"starts_with"}' }),
  ),
  seekOperation: Type.Optional(Type.String()),
  continuationToken: Type.Optional(Type.String()),
});
export type ListCustomersQuery = Static<typeof ListCustomersQuery>;
