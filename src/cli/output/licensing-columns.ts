/**
 * The columns the CLI shows for licences, subscribed SKUs, directory roles and role members.
 */
import type { DirectoryRole, License, SubscribedSku, UserMember } from '@tenantry/sdk';
import type { Column } from './columns.js';

export const licenseColumns: Column<License>[] = [
  { header: 'SKU ID', value: (l) => l.productSku.id },
  { header: 'PRODUCT', value: (l) => l.productSku.name },
  { header: 'PART NUMBER', value: (l) => l.productSku.skuPartNumber },
  { header: 'GROUP', value: (l) => l.productSku.licenseGroupId },
  { header: 'SERVICE PLANS', value: (l) => l.servicePlans.map((p) => p.serviceName).join(' ') },
];

export const subscribedSkuColumns: Column<SubscribedSku>[] = [
  { header: 'SKU ID', value: (s) => s.productSku.id },
  { header: 'PRODUCT', value: (s) => s.productSku.name },
  { header: 'PART NUMBER', value: (s) => s.productSku.skuPartNumber },
  { header: 'TOTAL', value: (s) => String(s.totalUnits) },
  { header: 'CONSUMED', value: (s) => String(s.consumedUnits) },
  { header: 'AVAILABLE', value: (s) => String(s.availableUnits) },
  { header: 'GROUP', value: (s) => s.productSku.licenseGroupId },
];

export const directoryRoleColumns: Column<DirectoryRole>[] = [
  { header: 'NAME', value: (r) => r.name },
  { header: 'ID', value: (r) => r.id },
];

export const userMemberColumns: Column<UserMember>[] = [
  { header: 'DISPLAY NAME', value: (m) => m.displayName },
  { header: 'USER PRINCIPAL NAME', value: (m) => m.userPrincipalName },
  { header: 'ID', value: (m) => m.id },
];
