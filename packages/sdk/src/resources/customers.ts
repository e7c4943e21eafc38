/**
 * `partner.customers` — C1 list, C3 create — and `partner.customers.byId(cid)` — C2 get, C4
 * company profile, and the customer's sub-resources (users, …).
 */
import { type CollectionQuery, type SeekQuery, toWire } from '../filters.js';
import { followItems, followPages } from '../paging.js';
import type { CallOptions } from '../request-context.js';
import type { Customer, CustomerCompanyProfile, CustomerCreate, SeekBasedResourceCollection } from '../types.js';
import { CustomerUserCollectionOperations } from './customer-users.js';
import { DirectoryRoleCollectionOperations } from './directory-roles.js';
import { SubscribedSkuCollectionOperations } from './licenses.js';
import { ResourceOperations } from './resource.js';

/** Customer query: size and a CompanyName or Domain `starts_with` filter. */
export type CustomerQuery = Omit<CollectionQuery, 'sort'>;

/** The partner's customers. */
export class CustomerCollectionOperations extends ResourceOperations {
  /**
   * The first page of customers.
   *
   * @example
   * const page = await partner.customers.get();
   */
  get(call?: CallOptions): Promise<SeekBasedResourceCollection<Customer>> {
    return this.client.send({ method: 'GET', path: this.path }, call);
  }

  /**
   * One page for a query.
   *
   * @example
   * const page = await partner.customers.query({ size: 40, filter: filters.startsWith('CompanyName', 'Cont') });
   */
  query(query: CustomerQuery | SeekQuery, call?: CallOptions): Promise<SeekBasedResourceCollection<Customer>> {
    const wire = toWire(query);
    return this.client.send({ method: 'GET', path: this.path, query: wire.query, headers: wire.headers }, call);
  }

  /** Every page of a query, following `links.next`. */
  async *pages(query: CustomerQuery = {}, call: CallOptions = {}): AsyncGenerator<SeekBasedResourceCollection<Customer>, void, undefined> {
    yield* followPages(this.client, await this.query(query, call), call);
  }

  /**
   * Every customer, following `links.next`.
   *
   * @example
   * for await (const c of partner.customers.all()) console.log(c.companyProfile.companyName);
   */
  async *all(query: CustomerQuery = {}, call: CallOptions = {}): AsyncGenerator<Customer, void, undefined> {
    yield* followItems(this.client, await this.query(query, call), call);
  }

  /**
   * Creates a customer tenant; the answer carries the admin's credentials once.
   *
   * @example
   * const c = await partner.customers.create({ companyProfile: { domain: 'contoso.onmicrosoft.com', companyName: 'Contoso' } });
   */
  create(customer: CustomerCreate, call?: CallOptions): Promise<Customer> {
    return this.client.send({ method: 'POST', path: this.path, body: customer }, call);
  }

  /** One customer. */
  byId(customerId: string): CustomerOperations {
    return new CustomerOperations(this.client, this.child(customerId));
  }
}

/** One customer tenant. */
export class CustomerOperations extends ResourceOperations {
  // Extension point: sub-resources of a customer (subscribedSkus, directoryRoles) are getters
  // here returning their own operations class from its own file, like `users` below.

  /** The customer's subscribed SKUs and seats (`subscribedSkus.get(groups?)`, Tenantry: `byId(skuId).set(seats)`). */
  get subscribedSkus(): SubscribedSkuCollectionOperations {
    return new SubscribedSkuCollectionOperations(this.client, this.child('subscribedskus'));
  }

  /** The customer's directory roles and their members. */
  get directoryRoles(): DirectoryRoleCollectionOperations {
    return new DirectoryRoleCollectionOperations(this.client, this.child('directoryroles'));
  }

  /** The customer's users. */
  get users(): CustomerUserCollectionOperations {
    return new CustomerUserCollectionOperations(this.client, this.child('users'));
  }

  /** The customer's profiles (`profiles.company.get()`). */
  get profiles() {
    const path = this.child('profiles', 'company');
    return { company: { get: (call?: CallOptions) => this.client.send<CustomerCompanyProfile>({ method: 'GET', path }, call) } };
  }

  /**
   * The customer.
   *
   * @example
   * const customer = await partner.customers.byId(cid).get();
   */
  get(call?: CallOptions): Promise<Customer> {
    return this.client.send({ method: 'GET', path: this.path }, call);
  }
}
