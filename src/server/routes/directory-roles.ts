/**
 * Directory roles: R1 a user's roles, R2 the customer's roles, R3 a role's members (seek paging),
 * R4 add a member, R5 remove a member.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Operation } from '../../auth/permissions.js';
import { ApiFault, Collection, SeekCollection } from '../../schemas/common.js';
import { DirectoryRole, ListRoleMembersQuery, UserMember, UserMemberCreate } from '../../schemas/directory-role.js';
import type { AppContext } from '../context.js';
import { idempotent } from '../idempotency.js';
import { sendJson } from '../reply.js';
import { recorded } from '../write-receipt.js';
import { userIdParam } from './route-ids.js';
import { selfUri } from './users.js';

const CustomerParams = Type.Object({ customerId: Type.String({ description: 'Customer tenant id (GUID)' }) });
const UserParams = Type.Object({ customerId: Type.String(), userId: Type.String({ description: 'User object id (GUID)' }) });
const RoleParams = Type.Object({ customerId: Type.String(), roleId: Type.String({ description: 'Directory role (template) id' }) });
const MemberParams = Type.Object({ customerId: Type.String(), roleId: Type.String(), userId: Type.String() });
const errors = { 400: ApiFault, 401: ApiFault, 403: ApiFault, 404: ApiFault, 409: ApiFault };
const tags = ['Directory roles'];

const userRoute = (operation: Operation) => ({ operation, userRoute: true });

type RoleRequest = { Params: { customerId: string; roleId: string } };

export default async function directoryRoleRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get<{ Params: { customerId: string; userId: string } }>('/customers/:customerId/users/:userId/directoryroles', {
    config: userRoute('roles.read'),
    schema: { tags, summary: "Get a user's directory roles", params: UserParams, response: { 200: Collection(DirectoryRole), ...errors } },
  }, async (request, reply) => {
    const customer = await ctx.customers.require(request.principal, request.params.customerId);
    return sendJson(reply, await ctx.directoryRoles.userRoles(customer, userIdParam(request.params.userId)));
  });

  app.get<{ Params: { customerId: string } }>('/customers/:customerId/directoryroles', {
    config: userRoute('roles.read'),
    schema: { tags, summary: "List a customer's directory roles (Entra's well-known role templates)", params: CustomerParams, response: { 200: Collection(DirectoryRole), ...errors } },
  }, async (request, reply) => {
    await ctx.customers.require(request.principal, request.params.customerId);
    return sendJson(reply, ctx.directoryRoles.roles());
  });

  app.get<RoleRequest & { Querystring: ListRoleMembersQuery }>('/customers/:customerId/directoryroles/:roleId/usermembers', {
    config: userRoute('roles.read'),
    schema: {
      tags,
      summary: "List a directory role's user members (keyset paging: size, then links.next / MS-ContinuationToken)",
      params: RoleParams,
      querystring: ListRoleMembersQuery,
      response: { 200: SeekCollection(UserMember), ...errors },
    },
  }, async (request, reply) => {
    const customer = await ctx.customers.require(request.principal, request.params.customerId);
    const token = request.headers['ms-continuationtoken'];
    return sendJson(reply, await ctx.directoryRoles.members(customer, request.params.roleId, request.query, selfUri(request), typeof token === 'string' ? token : undefined));
  });

  app.post<RoleRequest & { Body: UserMemberCreate }>('/customers/:customerId/directoryroles/:roleId/usermembers', {
    config: { ...userRoute('roles.manage'), audit: { resourceType: 'customer_directory_role', operationType: 'add_customer_directory_role_member' } },
    schema: {
      tags,
      summary: 'Add a user to a directory role (body: the user id; idempotent by MS-RequestId)',
      params: RoleParams,
      body: UserMemberCreate,
      response: { 201: UserMember, ...errors },
    },
  }, async (request, reply) => {
    const customer = await ctx.customers.require(request.principal, request.params.customerId);
    return sendJson(reply, await idempotent(ctx.store, request, (receipt) => ctx.directoryRoles.addMember(customer, request.params.roleId, request.body, receipt), ctx.clock));
  });

  app.delete<{ Params: { customerId: string; roleId: string; userId: string } }>('/customers/:customerId/directoryroles/:roleId/usermembers/:userId', {
    config: { ...userRoute('roles.manage'), audit: { resourceType: 'customer_directory_role', operationType: 'remove_customer_directory_role_member' } },
    schema: { tags, summary: 'Remove a user from a directory role', params: MemberParams, response: { 204: Type.Null(), ...errors } },
  }, async (request, reply) => {
    const customer = await ctx.customers.require(request.principal, request.params.customerId);
    const userId = userIdParam(request.params.userId);
    await recorded(request, (receipt) => ctx.directoryRoles.removeMember(customer, request.params.roleId, userId, receipt));
    return reply.code(204).send();
  });
}
