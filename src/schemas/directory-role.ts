/**
 * Directory roles: DirectoryRole, UserMember, the body that adds a member, and the members query.
 */
import { Type, type Static } from '@sinclair/typebox';
import { AnyAttributes, ResourceAttributes } from './common.js';

export const DirectoryRole = Type.Object(
  { name: Type.String(), id: Type.String({ description: 'Entra role template id' }), attributes: ResourceAttributes },
  { $id: 'DirectoryRole' },
);

export const UserMember = Type.Object(
  {
    displayName: Type.String(),
    userPrincipalName: Type.String(),
    roleId: Type.String(),
    id: Type.String({ description: 'User object id' }),
    attributes: ResourceAttributes,
  },
  { $id: 'UserMember' },
);

/**
 * Body of POST …/directoryroles/{roleId}/usermembers. Only `id` matters: the display name and
 * user principal name the SDK also sends are taken from the stored user.
 */
export const UserMemberCreate = Type.Object(
  {
    id: Type.Optional(Type.String({ maxLength: 64, description: 'User object id' })),
    displayName: Type.Optional(Type.String({ maxLength: 256 })),
    userPrincipalName: Type.Optional(Type.String({ maxLength: 256 })),
    roleId: Type.Optional(Type.Unknown()),
    attributes: AnyAttributes,
  },
  { additionalProperties: false },
);
export type UserMemberCreate = Static<typeof UserMemberCreate>;

export const ListRoleMembersQuery = Type.Object({
  size: Type.Optional(Type.String({ description: 'Page size, 1–500; 0 or absent means 100' })),
  seekOperation: Type.Optional(Type.String({ description: 'Next, with the MS-ContinuationToken header' })),
  continuationToken: Type.Optional(Type.String({ description: 'Tenantry extension: the token as a query parameter' })),
});
export type ListRoleMembersQuery = Static<typeof ListRoleMembersQuery>;
