/**
 * The columns the CLI shows for users and customers, in tables and CSV.
 */
import type { Customer, CustomerUser } from '@tenantry/sdk';

export interface Column<T> {
  header: string;
  value: (item: T) => string | undefined;
}

/** CSV and export columns of a user: every field, named as in the API, so an export can be imported again. */
export const userCsvColumns: Column<CustomerUser>[] = [
  { header: 'id', value: (u) => u.id },
  { header: 'userPrincipalName', value: (u) => u.userPrincipalName },
  { header: 'displayName', value: (u) => u.displayName },
  { header: 'firstName', value: (u) => u.firstName },
  { header: 'lastName', value: (u) => u.lastName },
  { header: 'usageLocation', value: (u) => u.usageLocation },
  { header: 'state', value: (u) => u.state },
  { header: 'softDeletionTime', value: (u) => u.softDeletionTime },
  { header: 'userDomainType', value: (u) => u.userDomainType },
  { header: 'immutableId', value: (u) => u.immutableId },
  { header: 'phoneNumber', value: (u) => u.phoneNumber },
  { header: 'lastDirectorySyncTime', value: (u) => u.lastDirectorySyncTime },
];

/** Table columns of a user list (as PowerShell's Get-PartnerCustomerUser shows, most useful first). */
export const userTableColumns = (deleted: boolean): Column<CustomerUser>[] => [
  { header: 'DISPLAY NAME', value: (u) => u.displayName },
  { header: 'USER PRINCIPAL NAME', value: (u) => u.userPrincipalName },
  { header: 'ID', value: (u) => u.id },
  { header: 'LOCATION', value: (u) => u.usageLocation },
  deleted ? { header: 'DELETED', value: (u) => u.softDeletionTime } : { header: 'STATE', value: (u) => u.state },
];

export const customerCsvColumns: Column<Customer>[] = [
  { header: 'id', value: (c) => c.id },
  { header: 'companyName', value: (c) => c.companyProfile?.companyName },
  { header: 'domain', value: (c) => c.companyProfile?.domain },
  { header: 'relationshipToPartner', value: (c) => c.relationshipToPartner },
];

export const customerTableColumns: Column<Customer>[] = [
  { header: 'ID', value: (c) => c.id },
  { header: 'NAME', value: (c) => c.companyProfile?.companyName },
  { header: 'DOMAIN', value: (c) => c.companyProfile?.domain },
  { header: 'RELATIONSHIP', value: (c) => c.relationshipToPartner },
];
