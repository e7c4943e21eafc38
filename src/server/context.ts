import type { TokenService } from '../auth/token-service.js';
import type { CustomerService } from '../services/customer-service.js';
import type { UserService } from '../services/user-service.js';
import type { DirectoryRoleService } from '../services/directory-role-service.js';
import type { LicenseService } from '../services/license-service.js';
import type { Store } from '../store/store.js';
import type { ServerConfig } from './config.js';

/** What routes need, built once per app. */
export interface AppContext {
  config: ServerConfig;
  store: Store;
  tokens: TokenService;
  customers: CustomerService;
  users: UserService;
  licenses: LicenseService;
  directoryRoles: DirectoryRoleService;
}
