/**
 * The operation name of every /v1 route (e.g. `users.list`): the OpenAPI `operationId`, and the
 * name emulator fault rules and the request journal use. Kept in one table so the route files stay
 * as they are; an `onRoute` hook in buildApp stamps each route with its name.
 *
 * @example
 * operationIdOf('GET', '/v1/customers/:customerId/users'); // 'users.list'
 */
import type { RouteOptions } from 'fastify';

const table = new Map<string, string>([
  ['GET /v1/customers', 'customers.list'],
  ['POST /v1/customers', 'customers.create'],
  ['GET /v1/customers/:customerId', 'customers.get'],
  ['GET /v1/customers/:customerId/profiles/company', 'customers.getCompanyProfile'],
  ['GET /v1/customers/:customerId/users', 'users.list'],
  ['POST /v1/customers/:customerId/users', 'users.create'],
  ['GET /v1/customers/:customerId/users/count', 'users.count'],
  ['GET /v1/customers/:customerId/users/:userId', 'users.get'],
  ['PATCH /v1/customers/:customerId/users/:userId', 'users.update'],
  ['DELETE /v1/customers/:customerId/users/:userId', 'users.delete'],
  ['GET /v1/customers/:customerId/users/:userId/licenses', 'licenses.list'],
  ['POST /v1/customers/:customerId/users/:userId/licenseupdates', 'licenseUpdates.create'],
  ['GET /v1/customers/:customerId/subscribedskus', 'subscribedSkus.list'],
  ['PUT /v1/customers/:customerId/subscribedskus/:skuId', 'subscribedSkus.put'],
  ['GET /v1/customers/:customerId/directoryroles', 'directoryRoles.list'],
  ['GET /v1/customers/:customerId/users/:userId/directoryroles', 'userDirectoryRoles.list'],
  ['GET /v1/customers/:customerId/directoryroles/:roleId/usermembers', 'roleMembers.list'],
  ['POST /v1/customers/:customerId/directoryroles/:roleId/usermembers', 'roleMembers.create'],
  ['DELETE /v1/customers/:customerId/directoryroles/:roleId/usermembers/:userId', 'roleMembers.delete'],
  ['GET /v1/auditrecords', 'auditRecords.list'],
]);

/** The operation name of a route, or undefined for routes outside /v1. */
export function operationIdOf(method: string, url: string): string | undefined {
  return table.get(`${method.toUpperCase()} ${url}`);
}

/** Every operation name, in table order. */
export const operationIds: readonly string[] = [...table.values()];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's operation name (see operation-ids.ts). */
    operationId?: string;
  }
}

/**
 * `onRoute` hook: puts the operation name in the route's config and its OpenAPI schema.
 * HEAD routes fastify adds for GETs are left alone.
 */
export function stampOperationId(route: RouteOptions): void {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  if (methods.length !== 1) return;
  const id = operationIdOf(methods[0], route.url);
  if (!id) return;
  route.config = { ...(route.config ?? {}), operationId: id } as RouteOptions['config'];
  if (route.schema) route.schema = { ...route.schema, operationId: id } as RouteOptions['schema'];
}
