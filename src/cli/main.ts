/**
 * The `tenantry` command line: the server and its maintenance commands.
 */
import { Command } from 'commander';
import { registerKeyCommands } from './commands/key-commands.js';
import { registerAccountCommands } from './commands/account-commands.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerEmulatorCommands } from './commands/emulator.js';
import { registerClientCommands } from './commands/client-commands.js';
import { registerServerCommands } from './commands/server-commands.js';
import { registerSeedCommand } from './commands/seed.js';

const program = new Command();
program
  .name('tenantry')
  .description('Self-hostable, wire-compatible Partner Center customer users and licenses')
  .showHelpAfterError();

registerServerCommands(program);
registerSeedCommand(program);
registerAccountCommands(program);
registerKeyCommands(program);
registerClientCommands(program);
registerAuditCommands(program);
registerEmulatorCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
