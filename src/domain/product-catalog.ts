/**
 * Well-known Microsoft licensing products with their real SKU ids, part numbers and service
 * plans. Partner Center derives a customer's subscribed SKUs from its subscriptions, which
 * Tenantry does not model: a partner subscribes a customer to one of these products (or to a
 * product it describes itself) through the Tenantry extension `PUT …/subscribedskus/{skuId}`.
 */
import type { ProductDefinition } from './licensing.js';

const plan = (id: string, serviceName: string, displayName: string) => ({ id, serviceName, displayName, targetType: 'User' as const });

// Service plans several products share.
const aadPremium = plan('41781fb2-bc02-4b7c-bd55-b576c07bb09d', 'AAD_PREMIUM', 'Azure Active Directory Premium P1');
const rmsPremium = plan('6c57d4b6-3b23-47a5-9bc9-69f17b4947b3', 'RMS_S_PREMIUM', 'Azure Information Protection Premium P1');
const rmsEnterprise = plan('bea4c11e-220a-4e6d-8eb8-8ea15d019f90', 'RMS_S_ENTERPRISE', 'Azure Rights Management');
const intune = plan('c1ec4a95-1f05-45b3-a911-aa3fa01094f5', 'INTUNE_A', 'Microsoft Intune');
const mfa = plan('8a256a2b-b617-496d-b51b-e76466e88db0', 'MFA_PREMIUM', 'Microsoft Azure Multi-Factor Authentication');

export const microsoft365E3: ProductDefinition = {
  id: '05e9a617-0261-4cee-bb44-138d3ef5d965',
  name: 'Microsoft 365 E3',
  skuPartNumber: 'SPE_E3',
  targetType: 'User',
  licenseGroupId: 'group1',
  servicePlans: [
    plan('efb87545-963c-4e0d-99df-69c6916d9eb0', 'EXCHANGE_S_ENTERPRISE', 'Exchange Online (Plan 2)'),
    plan('5dbe027f-2339-4123-9542-606e4d348a72', 'SHAREPOINTENTERPRISE', 'SharePoint Online (Plan 2)'),
    plan('43de0ff5-c92c-492b-9116-175376d08c38', 'OFFICESUBSCRIPTION', 'Microsoft 365 Apps for enterprise'),
    plan('57ff2da0-773e-42df-b2af-ffb7a2317929', 'TEAMS1', 'Microsoft Teams'),
    plan('0feaeb32-d00e-4d66-bd5a-43b5b83db82c', 'MCOSTANDARD', 'Skype for Business Online (Plan 2)'),
    plan('b737dad2-2f6c-4c65-90e3-ca563267e8b9', 'PROJECTWORKMANAGEMENT', 'Microsoft Planner'),
    plan('a23b959c-7ce8-4e57-9140-b90eb88a9e97', 'SWAY', 'Sway'),
    plan('2789c901-c14e-48ab-a76a-be334d9d793a', 'FORMS_PLAN_E3', 'Microsoft Forms (Plan E3)'),
    aadPremium,
    rmsPremium,
    rmsEnterprise,
    intune,
    mfa,
  ],
};

export const enterpriseMobilitySecurityE3: ProductDefinition = {
  id: 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e',
  name: 'Enterprise Mobility + Security E3',
  skuPartNumber: 'EMS',
  targetType: 'User',
  licenseGroupId: 'group1',
  servicePlans: [
    rmsPremium,
    aadPremium,
    rmsEnterprise,
    intune,
    mfa,
    plan('932ad362-64a8-4783-9106-97849a1a30b9', 'ADALLOM_S_DISCOVERY', 'Cloud App Security Discovery'),
  ],
};

export const exchangeOnlinePlan1: ProductDefinition = {
  id: '4b9405b0-7788-4568-add1-99614e613b69',
  name: 'Exchange Online (Plan 1)',
  skuPartNumber: 'EXCHANGESTANDARD',
  targetType: 'User',
  licenseGroupId: 'group1',
  servicePlans: [
    plan('9aaf7827-d63c-4b61-89c3-182f06f82e5c', 'EXCHANGE_S_STANDARD', 'Exchange Online (Plan 1)'),
    plan('5e62787c-c316-451f-b873-1d05acd4d12c', 'BPOS_S_TODO_1', 'To-Do (Plan 1)'),
    plan('882e1d05-acd1-4ccb-8708-6ee03664b117', 'INTUNE_O365', 'Mobile Device Management for Office 365'),
  ],
};

export const powerBiPro: ProductDefinition = {
  id: 'f8a1db68-be16-40ed-86d5-cb42ce701560',
  name: 'Power BI Pro',
  skuPartNumber: 'POWER_BI_PRO',
  targetType: 'User',
  licenseGroupId: 'group1',
  servicePlans: [plan('70d33638-9c74-4d01-bfd3-562de28bd4ba', 'BI_AZURE_P2', 'Power BI Pro')],
};

/** Group 2 holds the products Entra does not manage, which in Partner Center means Minecraft. */
export const minecraftEducationStudent: ProductDefinition = {
  id: '533b8f26-f74b-4e9c-9c59-50fc4b393b63',
  name: 'Minecraft: Education Edition (per user)',
  skuPartNumber: 'MEE_STUDENT',
  targetType: 'User',
  licenseGroupId: 'group2',
  servicePlans: [plan('4c246bbc-f513-4311-beff-eba54c353256', 'MINECRAFT_EDUCATION_EDITION', 'Minecraft Education Edition')],
};

export const productCatalog: readonly ProductDefinition[] = [
  microsoft365E3,
  enterpriseMobilitySecurityE3,
  exchangeOnlinePlan1,
  powerBiPro,
  minecraftEducationStudent,
];

const byId = new Map(productCatalog.map((p) => [p.id, p]));

/**
 * A well-known product by SKU id (any case).
 *
 * @example
 * findCatalogProduct('05E9A617-0261-4CEE-BB44-138D3EF5D965')?.skuPartNumber; // 'SPE_E3'
 */
export const findCatalogProduct = (skuId: string): ProductDefinition | undefined => byId.get(skuId.toLowerCase());
