/**
 * Customers: C1 list, C2 get, C3 create, C4 company profile.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { customerCompanyProfile, customerResource } from '../../domain/customer.js';
import { ApiFault, SeekCollection } from '../../schemas/common.js';
import { Customer, CustomerCompanyProfile, CustomerCreate, ListCustomersQuery } from '../../schemas/customer.js';
import type { CustomerCreate as CreateBody, ListCustomersQuery as ListQuery } from '../../schemas/customer.js';
import type { AppContext } from '../context.js';
import { idempotent } from '../idempotency.js';
import { sendJson } from '../reply.js';
import { selfUri } from './users.js';

const CustomerParams = Type.Object({ customerId: Type.String({ description: 'Customer tenant id (GUID)' }) });
const errors = { 400: ApiFault, 401: ApiFault, 403: ApiFault, 409: ApiFault };
const tags = ['Customers'];

export default async function customerRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get<{ Querystring: ListQuery }>('/customers', {
    config: { operation: 'customers.read' },
    schema: {
      tags,
      summary: "List the partner's customers (keyset paging; CompanyName or Domain starts_with filter)",
      querystring: ListCustomersQuery,
      response: { 200: SeekCollection(Customer), ...errors },
    },
  }, async (request, reply) => {
    const token = request.headers['ms-continuationtoken'];
    return sendJson(reply, await ctx.customers.list(request.principal, request.query, selfUri(request), typeof token === 'string' ? token : undefined));
  });

  app.get<{ Params: { customerId: string } }>('/customers/:customerId', {
    config: { operation: 'customers.read' },
    schema: { tags, summary: 'Get a customer by id', params: CustomerParams, response: { 200: Customer, ...errors } },
  }, async (request, reply) => {
    const customer = await ctx.customers.require(request.principal, request.params.customerId);
    return sendJson(reply, { status: 200, body: JSON.stringify(customerResource(customer)) });
  });

  app.get<{ Params: { customerId: string } }>('/customers/:customerId/profiles/company', {
    config: { operation: 'customers.read' },
    schema: { tags, summary: "Get a customer's company profile", params: CustomerParams, response: { 200: CustomerCompanyProfile, ...errors } },
  }, async (request, reply) => {
    const customer = await ctx.customers.require(request.principal, request.params.customerId);
    return sendJson(reply, { status: 200, body: JSON.stringify(customerCompanyProfile(customer)) });
  });

  app.post<{ Body: CreateBody }>('/customers', {
    config: { operation: 'customers.create', audit: { resourceType: 'customer', operationType: 'add_customer' } },
    schema: {
      tags,
      summary: 'Create a customer tenant (returns the admin user credentials once)',
      body: CustomerCreate,
      response: { 201: Customer, ...errors },
    },
  }, async (request, reply) => {
    return sendJson(reply, await idempotent(ctx.store, request, (receipt) => ctx.customers.create(request.principal, request.body, receipt), ctx.clock));
  });
}
