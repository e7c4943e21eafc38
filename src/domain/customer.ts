/**
 * Customer tenants: the record, the rules for creating one, and their wire forms.
 */
import { faults } from './fault.js';
import { guidPattern } from './guid.js';

export interface BillingProfile {
  firstName?: string;
  lastName?: string;
  email?: string;
  culture?: string;
  language?: string;
  companyName?: string;
  defaultAddress?: Record<string, string>;
}

export interface CustomerRecord {
  partnerId: string;
  id: string;
  commerceId: string;
  /** Primary domain, e.g. `contoso.onmicrosoft.com`. */
  domain: string;
  companyName: string;
  customDomains: string[];
  billingProfile: BillingProfile;
  createdAt: string;
}

/** Every domain a user principal name of this customer may use. */
export const customerDomains = (c: Pick<CustomerRecord, 'domain' | 'customDomains'>) => [c.domain, ...c.customDomains];

const domainPattern = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * The customer tenant id a route names, lower-cased; anything but a GUID is refused with
 * Partner Center's invalid-customer fault.
 *
 * @example
 * customerIdFrom('0C39D6D5-C70D-4C55-BC02-F620844F3FD1'); // '0c39d6d5-c70d-4c55-bc02-f620844f3fd1'
 */
export function customerIdFrom(param: string): string {
  const id = param.toLowerCase();
  if (!guidPattern.test(id)) throw faults.invalidCustomerId(param);
  return id;
}

/**
 * Normalizes a requested domain: a bare prefix becomes `<prefix>.onmicrosoft.com`, as in
 * Partner Center's customer sign-up.
 *
 * @example
 * normalizeDomain('Contoso'); // 'contoso.onmicrosoft.com'
 */
export function normalizeDomain(value: string, property = 'companyProfile.domain'): string {
  let domain = value.trim().toLowerCase();
  if (!domain.includes('.')) domain = `${domain}.onmicrosoft.com`;
  if (!domainPattern.test(domain)) throw faults.invalidProperty(property, 'must be a DNS domain name such as contoso.onmicrosoft.com');
  return domain;
}

const companyProfile = (c: CustomerRecord, withLink: boolean) => ({
  tenantId: c.id,
  domain: c.domain,
  companyName: c.companyName,
  ...(withLink ? { links: { self: { uri: `/customers/${c.id}/profiles/company`, method: 'GET', headers: [] } } } : {}),
  attributes: { objectType: 'CustomerCompanyProfile' },
});

/** The customer as list pages show it (the fields Partner Center's list example carries). */
export function customerListItem(c: CustomerRecord) {
  return {
    id: c.id,
    companyProfile: companyProfile(c, false),
    relationshipToPartner: 'reseller',
    attributes: { objectType: 'Customer' },
  };
}

/** The company profile resource (GET /customers/{id}/profiles/company). */
export const customerCompanyProfile = (c: CustomerRecord) => companyProfile(c, true);

/** The full customer (GET /customers/{id}, POST /customers). */
export function customerResource(c: CustomerRecord, userCredentials?: { userName: string; password: string }) {
  return {
    id: c.id,
    commerceId: c.commerceId,
    companyProfile: companyProfile(c, true),
    billingProfile: {
      id: c.commerceId,
      ...c.billingProfile,
      links: { self: { uri: `/customers/${c.id}/profiles/billing`, method: 'GET', headers: [] } },
      attributes: { objectType: 'CustomerBillingProfile' },
    },
    relationshipToPartner: 'reseller',
    allowDelegatedAccess: true,
    ...(userCredentials ? { userCredentials } : {}),
    customDomains: c.customDomains,
    links: { self: { uri: `/customers/${c.id}`, method: 'GET', headers: [] } },
    attributes: { objectType: 'Customer' },
  };
}
