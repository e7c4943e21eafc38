/**
 * CustomerUser: the user account of a customer tenant, with its request bodies and list query.
 */
import { Type, type Static } from '@sinclair/typebox';
import { AnyAttributes, Guid, Link, ResourceAttributes } from './common.js';

export const UserState = Type.Union([Type.Literal('active'), Type.Literal('inactive')]);
export type UserState = Static<typeof UserState>;

export const UserDomainType = Type.Union([Type.Literal('none'), Type.Literal('managed'), Type.Literal('federated')]);

export const PasswordProfile = Type.Object({
  password: Type.Optional(Type.String({ maxLength: 256 })),
  forceChangePassword: Type.Optional(Type.Boolean()),
});

/** A user as the service returns it (unset fields are omitted). */
export const CustomerUser = Type.Object(
  {
    usageLocation: Type.Optional(Type.String()),
    id: Guid,
    userPrincipalName: Type.String(),
    firstName: Type.Optional(Type.String()),
    lastName: Type.Optional(Type.String()),
    displayName: Type.String(),
    immutableId: Type.Optional(Type.String()),
    phoneNumber: Type.Optional(Type.String()),
    passwordProfile: Type.Optional(PasswordProfile),
    lastDirectorySyncTime: Type.Optional(Type.String()),
    userDomainType: UserDomainType,
    state: UserState,
    softDeletionTime: Type.Optional(Type.String({ description: 'UTC ISO-8601; start of the restore window' })),
    links: Type.Object({ self: Link }),
    attributes: ResourceAttributes,
  },
  { $id: 'CustomerUser' },
);
export type CustomerUser = Static<typeof CustomerUser>;

const text = (maxLength: number) => Type.String({ maxLength });

/** Properties a caller may set on a user, in create and update bodies alike. */
const editableUserProperties = {
  usageLocation: Type.Optional(text(2)),
  userPrincipalName: Type.Optional(text(113)),
  firstName: Type.Optional(text(64)),
  lastName: Type.Optional(text(64)),
  displayName: Type.Optional(text(256)),
  immutableId: Type.Optional(text(256)),
  phoneNumber: Type.Optional(text(64)),
  passwordProfile: Type.Optional(PasswordProfile),
};

/** Read-only properties SDKs send back (PowerShell PATCHes the whole object): accepted, ignored. */
const ignoredReadOnlyProperties = {
  id: Type.Optional(Type.Unknown()),
  userDomainType: Type.Optional(Type.Unknown()),
  softDeletionTime: Type.Optional(Type.Unknown()),
  lastDirectorySyncTime: Type.Optional(Type.Unknown()),
  links: Type.Optional(Type.Unknown()),
  attributes: AnyAttributes,
};

/**
 * Body of POST /customers/{id}/users. Properties bind case-insensitively and nulls mean "absent",
 * because the official .NET SDK sends PascalCase with every property, nulls included.
 */
export const CustomerUserCreate = Type.Object(
  { ...editableUserProperties, state: Type.Optional(Type.Unknown()), ...ignoredReadOnlyProperties },
  { additionalProperties: false },
);
export type CustomerUserCreate = Static<typeof CustomerUserCreate>;

/**
 * Body of PATCH /customers/{id}/users/{userId}: update, reset password (passwordProfile) or
 * restore (state active on a deleted user), all on one route as in Partner Center.
 */
export const CustomerUserPatch = Type.Object(
  { ...editableUserProperties, state: Type.Optional(Type.String({ description: 'active restores a deleted user' })), ...ignoredReadOnlyProperties },
  { additionalProperties: false },
);
export type CustomerUserPatch = Static<typeof CustomerUserPatch>;

/**
 * At most this many users, in sort order from a page's position, are read for one page of a
 * contains search too short for the trigram index (one or two characters): every user passed is
 * checked, and a rare text read a whole customer in one request. A page that reaches the bound
 * before it fills ends there, with what it found (perhaps nothing) and a continuation token.
 */
export const maxScannedUsers = 20_000;

/** Query of GET /customers/{id}/users; names bind case-insensitively. */
export const ListUsersQuery = Type.Object({
  size: Type.Optional(Type.String({ description: 'Page size, 1–500; 0 or absent means 100' })),
  filter: Type.Optional(
    Type.String({
      description:
        'JSON filter: {"Field":"UserState","Value":"Inactive","Operator":"equals"} for deleted users; ' +
        'DisplayName or UserPrincipalName with starts_with, substring (contains) or equals for search, case-insensitive; ' +
        'substring text of 3 characters or more is answered from a trigram index, shorter text by a bounded scan: a page reads at most ' +
        `${maxScannedUsers.toLocaleString('en-US')} users in sort order from its position, and one that reaches that bound before it fills ends there, with the matches it ` +
        'found (perhaps none) and a continuation token; starts_with is fastest when sortField is the same field. ' +
        'Combine with {"LeftFilter","RightFilter","Operator":"and"}',
    }),
  ),
  sortField: Type.Optional(Type.String({ description: 'DisplayName (default) or UserPrincipalName' })),
  sortDirection: Type.Optional(Type.String({ description: 'Ascending (default) or Descending' })),
  seekOperation: Type.Optional(Type.String({ description: 'Next, with the MS-ContinuationToken header' })),
  continuationToken: Type.Optional(Type.String({ description: 'Tenantry extension: the token as a query parameter' })),
  offset: Type.Optional(Type.String({ description: 'Accepted and ignored: paging is by continuation token' })),
});
export type ListUsersQuery = Static<typeof ListUsersQuery>;
