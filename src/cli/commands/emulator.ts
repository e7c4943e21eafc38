/**
 * `tenantry emulator …`: the control plane of a server started with `serve --emulator`
 * (issue 11): workspaces, their snapshots, clock, tokens and consistency lag, through the SDK's `emulator` client.
 */
import { createEmulatorClient, type Consistency, type EmulatorOperations, type Workspace } from '@tenantry/sdk';
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { defaultUrl } from '../client/connection.js';
import { runAction, UsageError } from '../client/run-action.js';
import { registerEmulatorRequestCommands } from './emulator-requests.js';

export interface EmulatorOptions {
  url?: string;
  adminToken?: string;
  workspace?: string;
}

/** The control-plane client from `--url` / `--admin-token`, else TENANTRY_URL / TENANTRY_EMULATOR_ADMIN_TOKEN. */
export function emulatorClient(options: EmulatorOptions, env: NodeJS.ProcessEnv = process.env): EmulatorOperations {
  const adminToken = options.adminToken || env.TENANTRY_EMULATOR_ADMIN_TOKEN;
  if (!adminToken) throw new UsageError('Pass --admin-token (or set TENANTRY_EMULATOR_ADMIN_TOKEN): serve --emulator prints it');
  return createEmulatorClient({ baseUrl: options.url || env.TENANTRY_URL || defaultUrl, adminToken, clientName: 'Tenantry CLI' }).emulator;
}

/** A fixture file, parsed; a missing file or broken JSON is a usage error naming it. */
function readFixture(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--fixture ${path}: cannot read it (${(e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--fixture ${path}: not JSON (${(e as Error).message})`);
  }
}

/** `--workspace`, else TENANTRY_WORKSPACE, else the server's only workspace. */
export async function workspaceId(emulator: EmulatorOperations, options: EmulatorOptions, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const given = options.workspace || env.TENANTRY_WORKSPACE;
  if (given) return given;
  const { items } = await emulator.workspaces.list();
  if (items.length !== 1) throw new UsageError(`Pass --workspace <id>: the server has ${items.length} workspaces`);
  return items[0].id;
}

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

const describeConsistency = (c: Consistency) =>
  c.after !== undefined ? `after ${c.after}` : c.afterReads !== undefined ? `after ${c.afterReads} read${c.afterReads === 1 ? '' : 's'}` : 'immediate';

const describeWorkspace = (w: Workspace) => `${w.id}  ${w.name}  ${w.clock.now}${w.clock.frozen ? ' (frozen)' : ''}${w.seed !== undefined ? `  seed ${w.seed}` : ''}`;

/** The connection options every emulator command takes. */
function connection(command: Command): Command {
  return command
    .option('--url <url>', `server URL (env TENANTRY_URL, else ${defaultUrl})`)
    .option('--admin-token <token>', 'the admin token serve --emulator printed (env TENANTRY_EMULATOR_ADMIN_TOKEN)');
}

export const withWorkspace = (command: Command) => connection(command).option('--workspace <id>', "workspace id (env TENANTRY_WORKSPACE; default: the server's only workspace)");

export function registerEmulatorCommands(program: Command) {
  const emulator = program
    .command('emulator')
    .description('Drive a server started with serve --emulator: workspaces, their clock and tokens')
    .addHelpText(
      'after',
      '\nExample:\n  export TENANTRY_URL=http://127.0.0.1:8080 TENANTRY_EMULATOR_ADMIN_TOKEN=…\n' +
        '  tenantry emulator workspaces create --name my-suite --seed 42\n  tenantry emulator clock advance P30D --workspace <id>\n',
    );

  const workspaces = emulator.command('workspaces').description('Create, list, reset and delete workspaces');
  connection(workspaces.command('create').description('Create a workspace; prints it with its tokens as JSON'))
    .option('--name <name>', 'a name to tell it by')
    .option('--seed <seed>', 'same seed, same ids on every run')
    .option('--fixture <file>', 'load this fixture (JSON; an export is one); reset brings it back')
    .action(
      runAction(async (opts: EmulatorOptions & { name?: string; seed?: string; fixture?: string }) => {
        const fixture = opts.fixture !== undefined ? readFixture(opts.fixture) : undefined;
        print(await emulatorClient(opts).workspaces.create({ name: opts.name, seed: opts.seed, ...(fixture !== undefined ? { fixture } : {}) }));
      }),
    );
  connection(workspaces.command('export <id>').description("Print the workspace's data as a fixture (JSON): tenantry emulator workspaces export <id> > fixture.json")).action(
    runAction(async (id: string, opts: EmulatorOptions) => {
      print(await emulatorClient(opts).workspaces.byId(id).export());
    }),
  );
  connection(workspaces.command('list').description('List the workspaces: id, name, clock, seed'))
    .option('--json', 'print them as JSON, with their tokens')
    .action(
      runAction(async (opts: EmulatorOptions & { json?: boolean }) => {
        const { items } = await emulatorClient(opts).workspaces.list();
        if (opts.json) print(items);
        else for (const w of items) process.stdout.write(`${describeWorkspace(w)}\n`);
      }),
    );
  connection(workspaces.command('get <id>').description('Print a workspace with its tokens as JSON')).action(
    runAction(async (id: string, opts: EmulatorOptions) => {
      print(await emulatorClient(opts).workspaces.get(id));
    }),
  );
  connection(workspaces.command('delete <id>').description('Delete a workspace and every row it owns')).action(
    runAction(async (id: string, opts: EmulatorOptions) => {
      await emulatorClient(opts).workspaces.delete(id);
      process.stderr.write(`deleted workspace ${id}\n`);
    }),
  );
  connection(workspaces.command('reset <id>').description('Back to its fixture (or empty), clock back to real time')).action(
    runAction(async (id: string, opts: EmulatorOptions) => {
      process.stdout.write(`${describeWorkspace(await emulatorClient(opts).workspaces.byId(id).reset())}\n`);
    }),
  );

  const clock = emulator.command('clock').description("Read or move a workspace's clock");
  const clockAction = (change: (ws: ReturnType<EmulatorOperations['workspaces']['byId']>, arg?: string) => Promise<{ now: string; frozen: boolean }>) =>
    runAction(async (...args: unknown[]) => {
      const opts = args.find((a) => typeof a === 'object' && a !== null && !('commands' in a)) as EmulatorOptions;
      const arg = typeof args[0] === 'string' ? args[0] : undefined;
      const client = emulatorClient(opts);
      const result = await change(client.workspaces.byId(await workspaceId(client, opts)), arg);
      process.stdout.write(`${result.now}${result.frozen ? ' (frozen)' : ''}\n`);
    });
  withWorkspace(clock.command('get').description("Print the workspace's time")).action(clockAction((ws) => ws.clock.get()));
  withWorkspace(clock.command('advance <duration>').description('Move the clock by an ISO-8601 duration: P30D, PT61S, P1M')).action(clockAction((ws, d) => ws.clock.advance(d!)));
  withWorkspace(clock.command('set <instant>').description('Set the clock to a UTC instant: 2027-01-01T00:00:00Z')).action(clockAction((ws, i) => ws.clock.set(i!)));
  withWorkspace(clock.command('freeze').description('Stop the clock')).action(clockAction((ws) => ws.clock.freeze(true)));
  withWorkspace(clock.command('unfreeze').description('Let the clock run on from where it stands')).action(clockAction((ws) => ws.clock.freeze(false)));

  withWorkspace(
    emulator
      .command('consistency')
      .description("Read or set the workspace's consistency lag: writes show in reads only after a duration of the workspace clock or a number of reads"),
  )
    .option('--after <duration>', 'ISO-8601 duration on the workspace clock, e.g. PT30S')
    .option('--after-reads <n>', 'reads that still miss a write')
    .option('--immediate', 'no lag (the default)')
    .addHelpText('after', '\nExample:\n  tenantry emulator consistency --workspace <id> --after PT30S\n  tenantry emulator consistency --workspace <id> --immediate\n')
    .action(
      runAction(async (opts: EmulatorOptions & { after?: string; afterReads?: string; immediate?: boolean }) => {
        const given = [opts.after !== undefined, opts.afterReads !== undefined, opts.immediate === true].filter(Boolean).length;
        if (given > 1) throw new UsageError('Pass one of --after, --after-reads or --immediate');
        let afterReads: number | undefined;
        if (opts.afterReads !== undefined) {
          afterReads = Number(opts.afterReads);
          if (!/^\d+$/.test(opts.afterReads.trim())) throw new UsageError('--after-reads takes a whole number, e.g. 3');
        }
        const client = emulatorClient(opts);
        const consistency = client.workspaces.byId(await workspaceId(client, opts)).consistency;
        const result =
          given === 0 ? await consistency.get() : await consistency.set(opts.immediate ? {} : opts.after !== undefined ? { after: opts.after } : { afterReads });
        process.stdout.write(`${describeConsistency(result)}\n`);
      }),
    );

  const snapshots = emulator.command('snapshots').description("Take, list, restore and delete the workspace's snapshots");
  const snapshotAction = (act: (ws: ReturnType<EmulatorOperations['workspaces']['byId']>, name?: string) => Promise<string>) =>
    runAction(async (...args: unknown[]) => {
      const name = typeof args[0] === 'string' ? args[0] : undefined;
      const opts = (name === undefined ? args[0] : args[1]) as EmulatorOptions;
      const client = emulatorClient(opts);
      process.stdout.write(await act(client.workspaces.byId(await workspaceId(client, opts)), name));
    });
  withWorkspace(snapshots.command('create <name>').description('Take a snapshot of the workspace (replaces one of the same name)')).action(
    snapshotAction(async (ws, name) => {
      const taken = await ws.snapshots.create(name!);
      return `${taken.name}  ${taken.createdAt}\n`;
    }),
  );
  withWorkspace(snapshots.command('list').description("List the workspace's snapshots")).action(
    snapshotAction(async (ws) => (await ws.snapshots.list()).items.map((s) => `${s.name}  ${s.createdAt}\n`).join('')),
  );
  withWorkspace(snapshots.command('restore <name>').description('Undo every write since the snapshot, clock and ids included')).action(
    snapshotAction(async (ws, name) => `${describeWorkspace(await ws.snapshots.restore(name!))}\n`),
  );
  withWorkspace(snapshots.command('delete <name>').description('Delete a snapshot')).action(
    snapshotAction(async (ws, name) => {
      await ws.snapshots.delete(name!);
      return '';
    }),
  );

  withWorkspace(emulator.command('token').description("Print a token of the workspace's partner (no expiry unless --expires-in)"))
    .option('--role <role>', 'AdminAgent, HelpdeskAgent or SalesAgent (repeatable; default AdminAgent)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--expires-in <duration>', 'ISO-8601 duration, on the workspace clock (e.g. PT1H)')
    .addHelpText('after', '\nExample:\n  TOKEN=$(tenantry emulator token --role HelpdeskAgent --expires-in PT1H)\n')
    .action(
      runAction(async (opts: EmulatorOptions & { role: string[]; expiresIn?: string }) => {
        const client = emulatorClient(opts);
        const roles = opts.role.length > 0 ? (opts.role as ('AdminAgent' | 'HelpdeskAgent' | 'SalesAgent')[]) : undefined;
        const { token } = await client.workspaces.byId(await workspaceId(client, opts)).tokens.create({ roles, expiresIn: opts.expiresIn });
        process.stdout.write(`${token}\n`);
      }),
    );

  // Issue 12: the request journal and client report, in a file of their own.
  registerEmulatorRequestCommands(emulator);
}
