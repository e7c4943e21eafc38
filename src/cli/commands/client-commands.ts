/**
 * Registers the client commands (login, users, customers) and their global `--url` / `--token`.
 */
import type { Command } from 'commander';
import { defaultUrl } from '../client/connection.js';
import { registerCustomerCommands } from './customers.js';
import { registerLoginCommands } from './login.js';
import { registerUserCommands } from './users.js';
import { registerLicenseCommands } from './licenses.js';
import { registerRoleCommands } from './roles.js';

export function registerClientCommands(program: Command) {
  program
    .option('--url <url>', `server URL for client commands (env TENANTRY_URL, else the login profile, else ${defaultUrl})`)
    .option('--token <token>', 'bearer token for client commands (env TENANTRY_TOKEN, else the login profile)');
  registerLoginCommands(program);
  registerUserCommands(program);
  registerCustomerCommands(program);
  // Licences and directory roles (issue 5).
  registerLicenseCommands(program);
  registerRoleCommands(program);
}
