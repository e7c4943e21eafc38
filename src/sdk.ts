/**
 * The typed client, re-exported so that one dependency on `tenantry` gives the server, the CLI,
 * the test harness and the SDK (`import { createPartnerOperations } from 'tenantry/sdk'`).
 *
 * @example
 * import { createPartnerOperations, filters } from 'tenantry/sdk';
 * const partner = createPartnerOperations({ baseUrl: 'http://127.0.0.1:8080', credentials: { token } });
 */
export * from '@tenantry/sdk';
