/**
 * Which roles may do what. Partner Center's agent roles (Admin, Helpdesk, Sales) and the GDAP
 * (Entra) role names of the research notes §8; names match case- and space-insensitively, so
 * "User Administrator" and "UserAdministrator" are the same role.
 */
export type Operation =
  | 'customers.read'
  | 'customers.create'
  | 'users.read'
  | 'users.create'
  | 'users.update'
  | 'users.delete'
  | 'users.restore'
  | 'users.resetPassword'
  | 'licenses.read'
  | 'licenses.assign'
  | 'skus.manage'
  | 'roles.read'
  | 'roles.manage'
  | 'audit.read';

/** The roles a token may carry, in canonical spelling. */
export const knownRoles = [
  'AdminAgent',
  'HelpdeskAgent',
  'SalesAgent',
  'GlobalReader',
  'DirectoryReaders',
  'DirectoryWriters',
  'UserAdministrator',
  'PrivilegedAuthenticationAdministrator',
  'LicenseAdministrator',
  'PrivilegedRoleAdministrator',
] as const;
export type Role = (typeof knownRoles)[number];

const grants: Record<Operation, readonly Role[]> = {
  'customers.read': knownRoles,
  'customers.create': ['AdminAgent'],
  'users.read': ['AdminAgent', 'HelpdeskAgent', 'GlobalReader', 'DirectoryReaders', 'DirectoryWriters', 'UserAdministrator', 'PrivilegedAuthenticationAdministrator', 'LicenseAdministrator'],
  'users.create': ['AdminAgent', 'UserAdministrator', 'DirectoryWriters'],
  'users.update': ['AdminAgent', 'UserAdministrator', 'DirectoryWriters'],
  'users.delete': ['AdminAgent', 'UserAdministrator'],
  'users.restore': ['AdminAgent', 'UserAdministrator', 'DirectoryWriters'],
  'users.resetPassword': ['AdminAgent', 'HelpdeskAgent', 'UserAdministrator', 'PrivilegedAuthenticationAdministrator'],
  'licenses.read': ['AdminAgent', 'HelpdeskAgent', 'GlobalReader', 'DirectoryReaders', 'DirectoryWriters', 'UserAdministrator', 'LicenseAdministrator'],
  'licenses.assign': ['AdminAgent', 'DirectoryWriters', 'UserAdministrator', 'LicenseAdministrator'],
  'skus.manage': ['AdminAgent'],
  'roles.read': ['AdminAgent', 'HelpdeskAgent', 'GlobalReader', 'DirectoryReaders', 'DirectoryWriters', 'UserAdministrator', 'PrivilegedRoleAdministrator'],
  'roles.manage': ['AdminAgent', 'PrivilegedRoleAdministrator'],
  'audit.read': ['AdminAgent'],
};

const canonical = new Map<string, Role>(knownRoles.map((r) => [r.toLowerCase(), r]));
// Entra spells some role names in the singular or with "Account".
for (const [alias, role] of [
  ['directoryreader', 'DirectoryReaders'],
  ['directorywriter', 'DirectoryWriters'],
  ['useraccountadministrator', 'UserAdministrator'],
  ['helpdeskadministrator', 'HelpdeskAgent'],
] as const) canonical.set(alias, role);

/**
 * Maps role names as tokens carry them to canonical roles; unknown names are dropped.
 *
 * @example
 * normalizeRoles(['User Administrator', 'bogus']); // ['UserAdministrator']
 */
export function normalizeRoles(names: unknown): Role[] {
  if (!Array.isArray(names)) return [];
  const out = new Set<Role>();
  for (const n of names) {
    if (typeof n !== 'string') continue;
    const role = canonical.get(n.replace(/[\s_-]/g, '').toLowerCase());
    if (role) out.add(role);
  }
  return [...out];
}

/** Whether any of the roles grants the operation. */
export const isAllowed = (roles: readonly Role[], operation: Operation) => roles.some((r) => grants[operation].includes(r));
