/**
 * Licences: L1 a user's licences, L2 licence updates, L3 a customer's subscribed SKUs, and the
 * Tenantry extension PUT …/subscribedskus/{skuId} that sets a customer's seats.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Operation } from '../../auth/permissions.js';
import { ApiFault, Collection } from '../../schemas/common.js';
import { License, LicenseGroupQuery, LicenseUpdate, LicenseUpdateBody, SubscribedSku, SubscribedSkuPut } from '../../schemas/license.js';
import type { AppContext } from '../context.js';
import { idempotent } from '../idempotency.js';
import { sendJson } from '../reply.js';
import { recorded } from '../write-receipt.js';
import { userIdParam } from './route-ids.js';

const CustomerParams = Type.Object({ customerId: Type.String({ description: 'Customer tenant id (GUID)' }) });
const UserParams = Type.Object({ customerId: Type.String(), userId: Type.String({ description: 'User object id (GUID)' }) });
const SkuParams = Type.Object({ customerId: Type.String(), skuId: Type.String({ description: 'Product SKU id (GUID)' }) });
const errors = { 400: ApiFault, 401: ApiFault, 403: ApiFault, 404: ApiFault, 409: ApiFault };
const tags = ['Licenses'];

const userRoute = (operation: Operation) => ({ operation, userRoute: true });

type UserRequest = { Params: { customerId: string; userId: string } };

export default async function licenseRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get<UserRequest & { Querystring: LicenseGroupQuery }>('/customers/:customerId/users/:userId/licenses', {
    config: userRoute('licenses.read'),
    schema: {
      tags,
      summary: "Get a user's licences (licenseGroupIds=Group1 by default; repeat for Group2)",
      params: UserParams,
      querystring: LicenseGroupQuery,
      response: { 200: Collection(License), ...errors },
    },
  }, async (request, reply) => {
    const customer = await ctx.customers.require(request.principal, request.params.customerId);
    return sendJson(reply, await ctx.licenses.userLicenses(customer, userIdParam(request.params.userId), request.query.licenseGroupIds));
  });

  app.post<UserRequest & { Body: LicenseUpdateBody }>('/customers/:customerId/users/:userId/licenseupdates', {
    config: { ...userRoute('licenses.assign'), audit: { resourceType: 'license', operationType: 'update_customer_user_licenses' } },
    schema: {
      tags,
      summary:
        'Assign and remove licences in one call (one licence group per request; the user needs a usage location; ' +
        'out of seats is 400 / 60012)',
      params: UserParams,
      body: LicenseUpdateBody,
      response: { 201: LicenseUpdate, ...errors },
    },
  }, async (request, reply) => {
    const customer = await ctx.customers.require(request.principal, request.params.customerId);
    const userId = userIdParam(request.params.userId);
    return sendJson(reply, await idempotent(ctx.store, request, (receipt) => ctx.licenses.updateUserLicenses(customer, userId, request.body, receipt), ctx.clock));
  });

  app.get<{ Params: { customerId: string }; Querystring: LicenseGroupQuery }>('/customers/:customerId/subscribedskus', {
    config: userRoute('licenses.read'),
    schema: {
      tags,
      summary: "Get a customer's subscribed SKUs with their seats (availableUnits = totalUnits − consumedUnits)",
      params: CustomerParams,
      querystring: LicenseGroupQuery,
      response: { 200: Collection(SubscribedSku), ...errors },
    },
  }, async (request, reply) => {
    const customer = await ctx.customers.require(request.principal, request.params.customerId);
    return sendJson(reply, await ctx.licenses.subscribedSkus(customer, request.query.licenseGroupIds));
  });

  app.put<{ Params: { customerId: string; skuId: string }; Body: SubscribedSkuPut }>('/customers/:customerId/subscribedskus/:skuId', {
    config: { ...userRoute('skus.manage'), audit: { resourceType: 'subscribed_sku', operationType: 'update_subscribed_sku' } },
    schema: {
      tags,
      summary:
        'Tenantry extension (not in Partner Center): subscribe a customer to a product SKU or set its seats (totalUnits). ' +
        'Catalogue products need only totalUnits; others are described once with productSku and servicePlans. 201 when created, 200 when changed.',
      params: SkuParams,
      body: SubscribedSkuPut,
      response: { 200: SubscribedSku, 201: SubscribedSku, ...errors },
    },
  }, async (request, reply) => {
    const customer = await ctx.customers.require(request.principal, request.params.customerId);
    return sendJson(reply, await recorded(request, (receipt) => ctx.licenses.setSubscribedSku(customer, request.params.skuId, request.body, receipt)));
  });
}
