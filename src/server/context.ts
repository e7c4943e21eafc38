import type { TokenService } from '../auth/token-service.js';
import type { Clock } from '../domain/clock.js';
import type { IdSource } from '../domain/id-source.js';
import type { CustomerService } from '../services/customer-service.js';
import type { UserService } from '../services/user-service.js';
import type { DirectoryRoleService } from '../services/directory-role-service.js';
import type { LicenseService } from '../services/license-service.js';
import type { Store } from '../store/store.js';
import type { ServerConfig } from './config.js';

/** What routes need, built once per app. */
export interface AppContext {
  config: ServerConfig;
  /** The one clock every time read goes through (the emulator gives each workspace its own). */
  clock: Clock;
  /** The one source of new object ids (seeded per workspace in the emulator). */
  ids: IdSource;
  store: Store;
  tokens: TokenService;
  /** More periodic clean-ups for the sweeper to run after its own (the emulator adds each workspace's, on that workspace's clock). */
  sweepTasks: (() => Promise<unknown>)[];
  customers: CustomerService;
  users: UserService;
  licenses: LicenseService;
  directoryRoles: DirectoryRoleService;
}
