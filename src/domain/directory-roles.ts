/**
 * Directory roles of a customer tenant: Entra's built-in role templates, whose template ids
 * Partner Center uses as role ids, under the legacy (Azure AD Graph) names its examples show.
 * Every customer has all of them; a user becomes a member through R4.
 */

export interface DirectoryRoleTemplate {
  id: string;
  name: string;
}

/** The well-known templates, by name. The first three are those of Partner Center's examples. */
export const directoryRoleTemplates: readonly DirectoryRoleTemplate[] = [
  { id: '729827e3-9c14-49f7-bb1b-9608f156bbb8', name: 'Helpdesk Administrator' },
  { id: 'fe930be7-5e62-47db-91af-98c3a49a38b1', name: 'User Account Administrator' },
  { id: 'f023fd81-a637-4b56-95fd-791ac0226033', name: 'Service Support Administrator' },
  { id: '62e90394-69f5-4237-9190-012177145e10', name: 'Company Administrator' },
  { id: 'b0f54661-2d74-4c50-afa3-1ec803f12efe', name: 'Billing Administrator' },
  { id: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b', name: 'Directory Readers' },
  { id: '9360feb5-f418-4baa-8175-e2a00bac4301', name: 'Directory Writers' },
  { id: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451', name: 'Global Reader' },
  { id: '4d6ac14f-3453-41d0-bef9-a3e0c569773a', name: 'License Administrator' },
  { id: 'e8611ab8-c189-46e8-94e1-60213ab1f814', name: 'Privileged Role Administrator' },
  { id: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13', name: 'Privileged Authentication Administrator' },
  { id: 'c4e39bd9-1100-46d3-8c65-fb160da0071f', name: 'Authentication Administrator' },
  { id: '966707d0-3269-4727-9be2-8c3a10f19b9d', name: 'Password Administrator' },
  { id: '194ae4cb-b126-40b2-bd5b-6091b380977d', name: 'Security Administrator' },
  { id: '5d6b6bb7-de71-4623-b4af-96380a352509', name: 'Security Reader' },
  { id: '29232cdf-9323-42fd-ade2-1d097af3e4de', name: 'Exchange Service Administrator' },
  { id: 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c', name: 'SharePoint Service Administrator' },
  { id: '75941009-915a-4869-abe7-691bff18279e', name: 'Lync Service Administrator' },
  { id: '69091246-20e8-4a56-aa4d-066075b2a7a8', name: 'Teams Service Administrator' },
  { id: '3a2c62db-5318-420d-8d74-23affee5d9d5', name: 'Intune Service Administrator' },
  { id: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', name: 'Application Administrator' },
  { id: '158c047a-c907-4556-b7ef-446551a6b5f7', name: 'Cloud Application Administrator' },
  { id: 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9', name: 'Conditional Access Administrator' },
  { id: '4a5d8f65-41da-4de4-8968-e035b65339cf', name: 'Reports Reader' },
  { id: '95e79109-95c0-4d8e-aee3-d01accf2d47b', name: 'Guest Inviter' },
];

const byId = new Map(directoryRoleTemplates.map((r) => [r.id, r]));
const sortedByName = [...directoryRoleTemplates].sort((a, b) => a.name.localeCompare(b.name, 'en'));

/**
 * The template a role id names (any case, braces allowed), or undefined.
 *
 * @example
 * findDirectoryRole('729827E3-9C14-49F7-BB1B-9608F156BBB8')?.name; // 'Helpdesk Administrator'
 */
export const findDirectoryRole = (roleId: string): DirectoryRoleTemplate | undefined =>
  byId.get(roleId.trim().replace(/^\{(.*)\}$/, '$1').toLowerCase());

/** Roles in the order lists show them: by name. */
export const rolesByName = (ids?: readonly string[]): DirectoryRoleTemplate[] =>
  ids === undefined ? sortedByName : sortedByName.filter((r) => ids.includes(r.id));

/** The DirectoryRole wire form. */
export const serializeDirectoryRole = (role: DirectoryRoleTemplate): string =>
  JSON.stringify({ name: role.name, id: role.id, attributes: { objectType: 'DirectoryRole' } });

/** A role member as stored joins show it. */
export interface RoleMember {
  userId: string;
  displayName: string;
  userPrincipalName: string;
}

/**
 * The UserMember wire form, property order as in Partner Center's R4 example.
 *
 * @example
 * serializeUserMember(roleId, { userId, displayName: 'Daniel Tsai', userPrincipalName: 'Daniel@…' });
 */
export const serializeUserMember = (roleId: string, m: RoleMember): string =>
  JSON.stringify({ displayName: m.displayName, userPrincipalName: m.userPrincipalName, roleId, id: m.userId, attributes: { objectType: 'UserMember' } });
