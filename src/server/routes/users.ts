/**
 * Customer users: U1 list, U2 get, U3 create, U4 update / reset password / restore, U5 delete.
 * Each route declares its schemas, statuses and the operation its caller must be allowed.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiFault, SeekCollection } from '../../schemas/common.js';
import { CustomerUser, CustomerUserCreate, CustomerUserPatch, ListUsersQuery } from '../../schemas/customer-user.js';
import type { CustomerUserCreate as CreateBody, CustomerUserPatch as PatchBody, ListUsersQuery as ListQuery } from '../../schemas/customer-user.js';
import type { AppContext } from '../context.js';
import { idempotent } from '../idempotency.js';
import { sendJson } from '../reply.js';
import { isAllowed, type Operation } from '../../auth/permissions.js';
import { faults } from '../../domain/fault.js';
import { recorded } from '../write-receipt.js';
import { guidPattern } from '../../domain/guid.js';

const CustomerParams = Type.Object({ customerId: Type.String({ description: 'Customer tenant id (GUID)' }) });
const UserParams = Type.Object({ customerId: Type.String(), userId: Type.String({ description: 'User object id (GUID)' }) });
const errors = { 400: ApiFault, 401: ApiFault, 403: ApiFault, 404: ApiFault, 409: ApiFault };
const tags = ['Customer users'];

/** The user id of a route, lower-cased; a non-GUID can name no user. */
function userIdOf(request: FastifyRequest<{ Params: { userId: string } }>) {
  const id = request.params.userId.toLowerCase();
  if (!guidPattern.test(id)) throw faults.userNotFound(request.params.userId);
  return id;
}

/** The path a collection's self link echoes: without /v1, with the query as sent. */
export function selfUri(request: FastifyRequest): string {
  const [path, query] = request.url.split('?');
  const bare = path.replace(/\/{2,}/g, '/').replace(/^\/v1/i, '').replace(/\/$/, '');
  return query ? `${bare}?${query}` : bare;
}

const userRoute = (operation: Operation) => ({ operation, userRoute: true });
/** Partner Center's audit names for customer-user writes. */
const audited = (operationType: string) => ({ audit: { resourceType: 'customer_user', operationType } });

export default async function userRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get<{ Params: { customerId: string }; Querystring: ListQuery }>('/customers/:customerId/users', {
    config: userRoute('users.read'),
    schema: {
      tags,
      summary: 'List a customer\'s users (keyset paging, search, sort, deleted users)',
      params: CustomerParams,
      querystring: ListUsersQuery,
      response: { 200: SeekCollection(CustomerUser), ...errors },
    },
  }, async (request, reply) => {
    const token = request.headers['ms-continuationtoken'];
    return sendJson(reply, await ctx.users.list(request.principal.partnerId, request.params.customerId, request.query, selfUri(request), typeof token === 'string' ? token : undefined));
  });

  // A Tenantry extension (Partner Center has no count): a list's totalCount is the size of its
  // page, at most the page size, so a count of all users needs its own call. Answered from the
  // (customer_id, state, …) index without reading rows.
  app.get<{ Params: { customerId: string }; Querystring: { state?: 'active' | 'inactive' } }>('/customers/:customerId/users/count', {
    config: userRoute('users.read'),
    schema: {
      tags,
      summary: 'Count a customer\'s users, active (default) or deleted (`state=inactive`) — a Tenantry extension',
      params: CustomerParams,
      querystring: Type.Object({ state: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('inactive')], { description: 'Active (default) or deleted users' })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ count: Type.Integer() }), ...errors },
    },
  }, async (request, reply) => {
    const customer = await ctx.customers.require(request.principal, request.params.customerId);
    return reply.send({ count: await ctx.store.countUsers(customer.id, request.query.state ?? 'active') });
  });

  app.get<{ Params: { customerId: string; userId: string } }>('/customers/:customerId/users/:userId', {
    config: userRoute('users.read'),
    schema: { tags, summary: 'Get a user by id', params: UserParams, response: { 200: CustomerUser, ...errors } },
  }, async (request, reply) => {
    const customer = await ctx.customers.require(request.principal, request.params.customerId);
    return sendJson(reply, await ctx.users.get(customer, userIdOf(request)));
  });

  app.post<{ Params: { customerId: string }; Body: CreateBody }>('/customers/:customerId/users', {
    config: { ...userRoute('users.create'), ...audited('create_customer_user') },
    schema: {
      tags,
      summary: 'Create a user (without a password, a temporary one is generated and returned once)',
      params: CustomerParams,
      body: CustomerUserCreate,
      response: { 201: CustomerUser, ...errors },
    },
  }, async (request, reply) => {
    const customer = await ctx.customers.require(request.principal, request.params.customerId);
    return sendJson(reply, await idempotent(ctx.store, request, (receipt) => ctx.users.create(customer, request.body, receipt), ctx.clock));
  });

  app.patch<{ Params: { customerId: string; userId: string }; Body: PatchBody }>('/customers/:customerId/users/:userId', {
    config: { ...userRoute('users.read'), ...audited('update_customer_user') },
    schema: {
      tags,
      summary: 'Update a user, reset its password (passwordProfile) or restore it (state active)',
      params: UserParams,
      body: CustomerUserPatch,
      response: { 200: CustomerUser, ...errors },
    },
  }, async (request, reply) => {
    const customer = await ctx.customers.require(request.principal, request.params.customerId);
    const userId = userIdOf(request);
    const can = (operation: Operation) => isAllowed(request.principal.roles, operation);
    return sendJson(reply, await recorded(request, (receipt) => ctx.users.patch(customer, userId, request.body, can, receipt)));
  });

  app.delete<{ Params: { customerId: string; userId: string } }>('/customers/:customerId/users/:userId', {
    config: { ...userRoute('users.delete'), ...audited('delete_customer_user') },
    schema: { tags, summary: 'Delete a user (soft delete: restorable for 30 days)', params: UserParams, response: { 204: Type.Null(), ...errors } },
  }, async (request, reply) => {
    const customer = await ctx.customers.require(request.principal, request.params.customerId);
    const userId = userIdOf(request);
    await recorded(request, (receipt) => ctx.users.delete(customer, userId, receipt));
    return reply.code(204).send();
  });
}
