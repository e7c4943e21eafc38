/**
 * `tenantry login` and `tenantry logout`: keep the server URL, a token and a default customer in
 * a private profile so that later commands need neither --url nor --token.
 */
import type { Command } from 'commander';
import { connect, defaultUrl } from '../client/connection.js';
import { type Profile, profilePath, readProfile, removeProfile, writeProfile } from '../client/profile.js';
import { runAction, UsageError } from '../client/run-action.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

export function registerLoginCommands(program: Command) {
  program
    .command('login')
    .description('Store the server URL, a token and a default customer in a private profile (mode 0600)')
    .option('--token-stdin', 'read the token from stdin (keeps it out of the shell history)')
    .option('--customer <id>', 'default customer for users commands')
    .option('--tenant-id <id>', 'alias of --customer')
    .option('--no-verify', 'store without checking the token against the server')
    .addHelpText(
      'after',
      `\nThe token comes from --token, --token-stdin or TENANTRY_TOKEN; the URL from --url, TENANTRY_URL or ${defaultUrl}.\n` +
        '\nExample:\n  tenantry token | tenantry login --url http://127.0.0.1:8080 --token-stdin --customer 4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04\n',
    )
    .action(
      runAction(async (opts, command: Command) => {
        const globals = command.optsWithGlobals();
        const token = opts.tokenStdin ? await readStdin() : (globals.token ?? process.env.TENANTRY_TOKEN);
        if (!token) throw new UsageError('No token: pass --token TOKEN, --token-stdin, or set TENANTRY_TOKEN');
        const url = globals.url ?? process.env.TENANTRY_URL ?? readProfile()?.url ?? defaultUrl;
        const customer = opts.customer ?? opts.tenantId;
        if (opts.verify) {
          const { partner } = connect({ url, token });
          // Any authorised read proves the URL and the token.
          if (customer) await partner.customers.byId(customer).get();
          else await partner.customers.query({ size: 1 });
        }
        const profile: Profile = { url, token, ...(customer ? { customer } : {}) };
        const path = writeProfile(profile);
        process.stderr.write(`logged in to ${url}; profile saved in ${path}\n`);
      }),
    );

  program
    .command('logout')
    .description('Remove the stored profile')
    .addHelpText('after', '\nExample:\n  tenantry logout\n')
    .action(
      runAction(async () => {
        const path = profilePath();
        process.stderr.write(removeProfile() ? `removed ${path}\n` : 'not logged in\n');
      }),
    );
}
