/**
 * Customer operations and the partner–customer access check every customer route goes through.
 */
import type { Principal } from '../auth/principal.js';
import { hashPassword } from '../auth/password-hash.js';
import { systemClock, type Clock } from '../domain/clock.js';
import { randomIds, type IdSource } from '../domain/id-source.js';
import { seekCollection } from '../domain/collection.js';
import { decodeContinuationToken, encodeContinuationToken, parsePageSize } from '../domain/continuation-token.js';
import { customerIdFrom, customerListItem, customerResource, normalizeDomain, type BillingProfile, type CustomerRecord } from '../domain/customer.js';
import { faults } from '../domain/fault.js';
import { parseSingleFieldFilter } from '../domain/field-filter.js';
import { generateTemporaryPassword } from '../domain/password-policy.js';
import { isoSeconds, toUserRow, type UserRecord } from '../domain/user.js';
import type { CustomerSearch, Store } from '../store/store.js';
import type { ReceiptFor } from './write-receipt.js';
import type { JsonResult } from './user-service.js';

export interface CustomerCreateInput {
  companyProfile?: { domain?: string; companyName?: string };
  billingProfile?: BillingProfile;
  customDomains?: string[];
}

export class CustomerService {
  constructor(
    private readonly store: Store,
    private readonly pagingSecret: Buffer,
    private readonly clock: Clock = systemClock,
    private readonly ids: IdSource = randomIds,
  ) {}

  /**
   * The customer a request names, if it belongs to the caller's partner. Another partner's
   * customer and a customer that does not exist get the same 403, so existence never leaks.
   *
   * @example
   * const customer = await customers.require(principal, params.customerId);
   */
  async require(principal: Principal, customerIdParam: string): Promise<CustomerRecord> {
    const id = customerIdFrom(customerIdParam);
    const customer = await this.store.findCustomer(principal.partnerId, id);
    if (!customer) throw faults.noRelationship(principal.partnerId, id);
    return customer;
  }

  async list(principal: Principal, params: { size?: string; filter?: string; seekOperation?: string; continuationToken?: string }, selfUri: string, tokenHeader?: string): Promise<JsonResult> {
    const scope = `customers:${principal.partnerId}`;
    const token = tokenHeader || params.continuationToken;
    let search: CustomerSearch | undefined;
    let size: number;
    let after;
    if (token) {
      ({ query: search, size, after } = decodeContinuationToken<CustomerSearch | undefined>(this.pagingSecret, token, scope));
    } else {
      if (params.seekOperation?.toLowerCase() === 'next') throw faults.invalidInput('seekOperation=Next needs the MS-ContinuationToken header', ['MS-ContinuationToken']);
      search = parseCustomerFilter(params.filter);
      size = parsePageSize(params.size);
    }
    const page = await this.store.listCustomers(principal.partnerId, search, size, after);
    const next = page.next ? encodeContinuationToken(this.pagingSecret, { scope, query: search, size, after: page.next }) : undefined;
    return { status: 200, ...seekCollection(page.items.map((c) => JSON.stringify(customerListItem(c))), selfUri, '/customers', next) };
  }

  /**
   * Creates a customer tenant with its first user, `admin@<domain>`, whose temporary password is
   * returned once in `userCredentials`, as Partner Center does. The receipt (audit record, stored
   * answer) commits in the same transaction as the customer.
   */
  async create(principal: Principal, input: CustomerCreateInput, receipt?: ReceiptFor): Promise<JsonResult> {
    if (!input.companyProfile?.domain) throw faults.required('companyProfile.domain');
    const domain = normalizeDomain(input.companyProfile.domain);
    const companyName = (input.billingProfile?.companyName ?? input.companyProfile.companyName ?? '').trim();
    if (!companyName) throw faults.required('billingProfile.companyName');
    const customDomains = [...new Set((input.customDomains ?? []).map((d) => normalizeDomain(d, 'customDomains')))].filter((d) => d !== domain);
    const now = isoSeconds(this.clock.now());
    const customer: CustomerRecord = {
      partnerId: principal.partnerId,
      id: this.ids.newId(),
      commerceId: this.ids.newId(),
      domain,
      companyName,
      customDomains,
      billingProfile: { ...input.billingProfile, companyName },
      createdAt: now,
    };
    const password = generateTemporaryPassword();
    const admin: UserRecord = {
      customerId: customer.id,
      id: this.ids.newId(),
      userPrincipalName: `admin@${domain}`,
      displayName: companyName,
      firstName: input.billingProfile?.firstName,
      lastName: input.billingProfile?.lastName,
      userDomainType: 'none',
      state: 'active',
      forceChangePassword: true,
      createdAt: now,
      updatedAt: now,
    };
    const response = { status: 201, body: JSON.stringify(customerResource(customer, { userName: 'admin', password })) };
    const written = receipt && (await receipt(response, { customerName: companyName }));
    const created = await this.store.insertCustomer(customer, [{ row: toUserRow(admin), passwordHash: await hashPassword(password) }], written);
    if (!created) throw faults.domainTaken(domain);
    return response;
  }
}

/** Parses the customers `filter`: CompanyName or Domain with starts_with, as Partner Center allows. */
export function parseCustomerFilter(filter: string | undefined): CustomerSearch | undefined {
  if (!filter) return undefined;
  const usage = 'Supported filter: CompanyName or Domain with starts_with and a value';
  const { field, operator, value } = parseSingleFieldFilter(filter, usage);
  if ((field !== 'companyname' && field !== 'domain') || operator !== 'starts_with' || typeof value !== 'string' || value.length === 0 || value.length > 256) {
    throw faults.invalidInput(usage, ['filter']);
  }
  return { field: field === 'domain' ? 'domain' : 'companyName', prefix: value };
}
