/**
 * `tenantry emulator requests` and `tenantry emulator client-report` (issue 12): a workspace's
 * request journal, one line per request (or JSON), `--follow` to keep printing new ones, and the
 * client checks its requests tripped.
 */
import type { JournalEntry, JournalFilter } from '@tenantry/sdk';
import type { Command } from 'commander';
import { runAction, UsageError } from '../client/run-action.js';
import { emulatorClient, type EmulatorOptions, withWorkspace, workspaceId } from './emulator.js';

interface RequestOptions extends EmulatorOptions {
  status?: string;
  route?: string;
  requestId?: string;
  correlationId?: string;
  since?: string;
  size: string;
  follow?: boolean;
  interval: string;
  json?: boolean;
}

/**
 * One line of a journal entry: time, status, method, path, operation, duration, request id, fault rule and checks.
 *
 * @example
 * formatEntry(entry); // '2026-12-01T00:00:00.000Z 429 GET /v1/customers/…/users users.list 3ms req 7f…  fault=r1  checks=retryBeforeRetryAfter'
 */
export function formatEntry(e: JournalEntry): string {
  const query = new URLSearchParams(e.query).toString();
  const parts = [e.time, String(e.status), e.method, `${e.path}${query ? `?${query}` : ''}`, e.operation ?? '-', `${Math.round(e.durationMs)}ms`, `req ${e.requestId ?? '-'}`];
  if (e.faultRuleId) parts.push(`fault=${e.faultRuleId}`);
  if (e.checks.length > 0) parts.push(`checks=${e.checks.map((c) => c.check).join(',')}`);
  return parts.join('  ');
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });

export function registerEmulatorRequestCommands(emulator: Command) {
  withWorkspace(emulator.command('requests').description("Print a workspace's recorded requests, oldest of the newest --size first; --follow keeps printing new ones"))
    .option('--status <status>', 'only this HTTP status, e.g. 429')
    .option('--route <operation>', 'only this operation, e.g. users.list')
    .option('--request-id <id>', 'only this MS-RequestId')
    .option('--correlation-id <id>', 'only this MS-CorrelationId')
    .option('--since <instant>', 'only entries at or after this workspace time (UTC ISO-8601)')
    .option('--size <n>', 'how many of the newest entries', '20')
    .option('--follow', 'keep polling for new entries until Ctrl-C')
    .option('--interval <ms>', 'how often --follow polls', '1000')
    .option('--json', 'one JSON entry per line instead of a summary line')
    .addHelpText('after', '\nExample:\n  tenantry emulator requests --workspace <id> --status 429\n  tenantry emulator requests --route users.list --follow\n')
    .action(
      runAction(async (opts: RequestOptions) => {
        if (!/^\d{1,3}$/.test(opts.size) || Number(opts.size) < 1 || Number(opts.size) > 500) throw new UsageError('--size must be 1 to 500');
        if (!/^\d{2,6}$/.test(opts.interval)) throw new UsageError('--interval must be milliseconds, e.g. 1000');
        if (opts.status !== undefined && !/^[1-5]\d\d$/.test(opts.status)) throw new UsageError('--status must be an HTTP status, e.g. 429');
        const client = emulatorClient(opts);
        const requests = client.workspaces.byId(await workspaceId(client, opts)).requests;
        const filter: JournalFilter = {
          status: opts.status !== undefined ? Number(opts.status) : undefined,
          route: opts.route,
          requestId: opts.requestId,
          correlationId: opts.correlationId,
          since: opts.since,
          size: Number(opts.size),
        };
        const write = (e: JournalEntry) => process.stdout.write(`${opts.json ? JSON.stringify(e) : formatEntry(e)}\n`);
        // Entry ids grow with every entry the store keeps: the largest printed marks where the next poll starts.
        let last = 0;
        const printNew = (items: JournalEntry[]) => {
          for (const e of [...items].reverse()) {
            if (Number(e.id) <= last) continue;
            write(e);
            last = Number(e.id);
          }
        };
        const first = await requests.list(filter);
        printNew(first.items);
        if (!opts.follow) return;

        const stop = new AbortController();
        const onSigint = () => stop.abort();
        process.once('SIGINT', onSigint);
        try {
          let since = first.items[0]?.time ?? opts.since;
          while (!stop.signal.aborted) {
            await sleep(Number(opts.interval), stop.signal);
            if (stop.signal.aborted) break;
            const fresh: JournalEntry[] = [];
            // Everything since the last poll, page by page (newest first), down to what was printed.
            for await (const e of requests.all({ ...filter, since, size: 100 }, { signal: stop.signal })) {
              if (Number(e.id) <= last) break;
              fresh.push(e);
            }
            printNew(fresh);
            if (fresh.length > 0) since = fresh[0].time;
          }
        } catch (err) {
          if (!stop.signal.aborted) throw err;
        } finally {
          process.removeListener('SIGINT', onSigint);
        }
      }),
    );

  withWorkspace(emulator.command('client-report').description("The client checks a workspace's requests tripped, each with what the client should do instead"))
    .option('--json', 'print the report as JSON')
    .action(
      runAction(async (opts: EmulatorOptions & { json?: boolean }) => {
        const client = emulatorClient(opts);
        const report = await client.workspaces.byId(await workspaceId(client, opts)).clientReport();
        if (opts.json) return void process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        if (report.checks.length === 0) process.stdout.write('no client checks tripped\n');
        for (const c of report.checks) process.stdout.write(`${c.check}  ×${c.count}  last ${c.lastSeenAt}  e.g. ${c.exampleEntryIds.join(', ')}\n  ${c.explanation}\n`);
      }),
    );
}
