/**
 * `tenantry serve`, `tenantry migrate` and `tenantry token`.
 */
import cluster from 'node:cluster';
import type { Command } from 'commander';
import { TokenService } from '../../auth/token-service.js';
import { ensureDemoSignIn } from '../../demo/demo-account.js';
import { demoPartnerId, seedDemoData } from '../../demo/demo-data.js';
import { parseRateLimitBudgets, parseRateLimitSwitch } from '../../domain/rate-limit.js';
import { defaultConfig, defaultJournalSize, externalIssuersFromEnv } from '../../server/config.js';
import { readFaultProfile } from '../fault-profile.js';
import { trackConnections } from '../../server/graceful-close.js';
import { defaultDatabaseUrl, openStore } from '../../store/open-store.js';
import { pidFileFor, readRunningPid, writePidFile } from '../pid-file.js';
import { steadyHeapGrowth } from '../heap-growth.js';
import { holdStopSignals } from '../stop-signals.js';
import { applyFaultProfile, emulatorAdminToken, emulatorJournalSize, emulatorRequested, ensureDefaultWorkspace, readFixtureFile } from '../emulator-start.js';
import type { Workspace } from '../../schemas/emulator/workspace.js';
import { clusterWorkerId, handedEverything, listenOnClusterPort, parseWorkerCount, reportListening, runPrimary, runsSweeper } from '../serve-cluster.js';

const databaseUrl = (flag?: string) => flag ?? process.env.TENANTRY_DATABASE_URL ?? defaultDatabaseUrl;

/** Parses `90s`, `15m`, `1h`, `7d` or plain seconds. */
export function parseDuration(value: string): number {
  const m = /^(\d+)\s*([smhd]?)$/.exec(value.trim());
  if (!m) throw new Error(`Invalid duration ${value}: use e.g. 90s, 15m, 1h, 7d`);
  return Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
}

export function registerServerCommands(program: Command) {
  const serve = program
    .command('serve')
    .description('Run the API server (migrates the database first)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 takes a free one)', process.env.TENANTRY_PORT ?? '8080')
    .option('--database <url>', `sqlite:PATH or postgres://… (default ${defaultDatabaseUrl}, env TENANTRY_DATABASE_URL)`)
    .option('--demo', 'fill an empty database with the demo partner, customer and users')
    .option('--bom', 'prefix JSON bodies with a UTF-8 byte-order mark, as Partner Center does')
    .option('--retention <duration>', 'how long deleted users stay restorable', '30d')
    .option('--log-level <level>', 'fatal, error, warn, info, debug or silent', process.env.TENANTRY_LOG_LEVEL ?? 'info')
    .option('--rate-limit <on|off>', 'throttle requests per partner and customer (env TENANTRY_RATE_LIMIT)', process.env.TENANTRY_RATE_LIMIT ?? 'on')
    .option('--rate-limit-budgets <spec>', 'e.g. customer-reads=500,customer-writes=100,partner-reads=3000,partner-writes=600,window=60 (env TENANTRY_RATE_LIMIT_BUDGETS)', process.env.TENANTRY_RATE_LIMIT_BUDGETS)
    .option('--cors-origin <origin>', 'allow browser calls from this origin (repeatable; default: CORS off)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--hsts', 'send Strict-Transport-Security (only when clients reach the server over HTTPS)')
    .option('--workers <n>', 'server processes sharing the port and the database (env TENANTRY_WORKERS)', process.env.TENANTRY_WORKERS ?? '1')
    .option('--drain-timeout <duration>', 'on SIGTERM, how long to finish requests in flight before closing connections anyway (env TENANTRY_DRAIN_TIMEOUT)', process.env.TENANTRY_DRAIN_TIMEOUT ?? '10s')
    .option('--pid-file <path>', 'where to write the server\'s process id, for `tenantry serve reload` (env TENANTRY_PID_FILE; default for a SQLite file: DATABASE.pid)', process.env.TENANTRY_PID_FILE)
    .option('--emulator', 'emulator mode: the /_tenantry control plane, workspaces with their own clocks (env TENANTRY_EMULATOR=1)')
    .option('--faults <file>', 'emulator: a fault profile ({"rules": [...]}, the control plane\'s rule schema) applied to the default workspace at start, replacing its rules; a wrong file is refused')
    .option('--journal <on|off>', 'emulator: record every workspace request and run the client checks (env TENANTRY_JOURNAL)', process.env.TENANTRY_JOURNAL ?? 'on')
    .option('--journal-size <n>', 'emulator: journal entries kept per workspace', process.env.TENANTRY_JOURNAL_SIZE ?? String(defaultJournalSize))
    .option('--fixtures <file>', 'with --emulator: load this fixture (JSON, see GET /_tenantry/fixture.schema.json) into the default workspace, replacing its data')
    .option('--print-json', 'print one JSON line when ready (url, admin token, default workspace and its tokens) and nothing else on stdout')
    .addHelpText(
      'after',
      '\nSignals: SIGTERM/SIGINT finish the requests in flight, then exit; with --workers > 1, SIGHUP (or `tenantry serve reload`) replaces the workers one by one.\n' +
        '\nExample:\n  tenantry serve --demo --port 8080\n  tenantry serve --workers 4 --database postgres://127.0.0.1/tenantry --pid-file /run/tenantry.pid\n  tenantry serve reload --pid-file /run/tenantry.pid\n' +
        '  tenantry serve --emulator --port 0 --print-json --database sqlite::memory:\n' +
        '  tenantry serve --emulator --faults faults.json --journal-size 50000\n' +
        '  tenantry serve --emulator --fixtures ./fixture.json\n',
    )
    .action(async (opts) => {
      const workers = parseWorkerCount(String(opts.workers), databaseUrl(opts.database));
      const drainTimeoutMs = parseDuration(opts.drainTimeout) * 1000;
      const pidFile = pidFileFor(opts.pidFile, databaseUrl(opts.database));
      const workerId = clusterWorkerId();
      const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
      // Where a client on this machine reaches the server (a wildcard address is not one).
      const clientHost = opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host === '::' ? '[::1]' : host;
      const emulator = emulatorRequested(opts.emulator);
      const printJson = Boolean(opts.printJson);
      const retentionMs = parseDuration(opts.retention) * 1000;
      const inMemory = databaseUrl(opts.database) === 'sqlite::memory:';
      // Before any fork: the workers inherit it through the environment.
      const adminToken = emulator ? emulatorAdminToken() : undefined;
      // Checked before anything starts: a wrong profile or journal flag is refused whole.
      const journalSize = emulatorJournalSize(String(opts.journal), String(opts.journalSize));
      if (opts.faults && !emulator) throw new Error('--faults needs --emulator');
      const faultRules = opts.faults ? readFaultProfile(String(opts.faults)) : undefined;
      if (opts.fixtures !== undefined && !emulator) throw new Error('--fixtures needs --emulator');
      if (opts.fixtures !== undefined && opts.demo) throw new Error('--fixtures and --demo both fill the default workspace: use one');
      // Read (and parse) before anything is opened, so a missing or broken file changes nothing.
      const fixture = opts.fixtures !== undefined ? readFixtureFile(String(opts.fixtures)) : undefined;
      // Migrations and demo data run once: in the only process, or in the primary before it forks.
      let demoSignIn: Awaited<ReturnType<typeof ensureDemoSignIn>> | undefined;
      let workspace: Workspace | undefined;
      const prepare = async (store: ReturnType<typeof openStore>) => {
        await store.migrate();
        if (opts.demo) await seedDemoData(store);
        demoSignIn = opts.demo ? await ensureDemoSignIn(store) : undefined;
        if (emulator) workspace = await ensureDefaultWorkspace(store, { demo: Boolean(opts.demo), retentionMs, fixture, fixtureName: opts.fixtures });
        if (workspace && faultRules) await applyFaultProfile(store, workspace.id, faultRules);
      };
      const announce = (port: number | string) => {
        const url = `http://${clientHost}:${port}`;
        if (printJson) {
          // One line a test runner in any language can read; nothing else goes to stdout.
          const line = emulator && workspace
            ? { url, adminToken, workspace: { id: workspace.id, partnerId: workspace.partnerId, tokens: workspace.tokens } }
            : { url };
          process.stdout.write(`${JSON.stringify(line)}\n`);
          return;
        }
        process.stdout.write(`listening on http://${host}:${port}\n`);
        if (opts.demo) {
          // `tenantry token` opens the database itself: it cannot reach one that lives in this process's memory.
          const hint = inMemory
            ? emulator ? 'tokens: see the workspace below' : 'the database is in memory, so `tenantry token` cannot reach it: sign in to the web UI, or run serve --emulator for tokens'
            : `get a token with: npx tenantry token${opts.database ? ` --database ${opts.database}` : ''}`;
          process.stdout.write(`demo partner ${demoPartnerId}; ${hint}\n`);
          if (demoSignIn) process.stdout.write(`web UI: http://${host}:${port}/ (sign in as ${demoSignIn.userName} with password ${demoSignIn.password})\n`);
        }
        if (emulator && workspace) {
          process.stdout.write(`emulator: control plane at ${url}/_tenantry (admin token ${adminToken})\n`);
          process.stdout.write(`emulator: default workspace ${workspace.id} (partner ${workspace.partnerId}); AdminAgent token:\n${workspace.tokens.AdminAgent}\n`);
        }
      };
      if (workers > 1 && cluster.isPrimary) {
        const setup = openStore(databaseUrl(opts.database));
        const removePidFile = pidFile ? writePidFile(pidFile) : () => {};
        await runPrimary({ workers, prepare: () => prepare(setup).finally(() => setup.close()), announce, drainTimeoutMs });
        removePidFile();
        process.exit();
      }
      // From here a stop waits for the server to be ready to finish what it was given (see stop-signals.ts).
      const stop = holdStopSignals();
      steadyHeapGrowth();
      const store = openStore(databaseUrl(opts.database));
      if (!workerId) await prepare(store);
      store.startBackgroundWork?.();
      // Loaded here, not at the top: client commands (export, import) should not pay for the server.
      const { buildApp, startSweeper } = await import('../../server/app.js');
      const { app, ctx } = await buildApp(store, {
        bom: Boolean(opts.bom),
        logLevel: opts.logLevel,
        retentionMs,
        externalIssuers: externalIssuersFromEnv(process.env.TENANTRY_OIDC_ISSUERS),
        issuer: process.env.TENANTRY_ISSUER ?? defaultConfig.issuer,
        rateLimit: { enabled: parseRateLimitSwitch(opts.rateLimit), budgets: parseRateLimitBudgets(opts.rateLimitBudgets) },
        corsOrigins: opts.corsOrigin,
        hsts: Boolean(opts.hsts),
        workerId,
        // A cluster's workers each cache workspace clocks; with more than one, every request re-reads them.
        ...(adminToken ? { emulator: { adminToken, stateCacheMs: workerId ? 0 : Number.POSITIVE_INFINITY, journalSize } } : {}),
        logToStderr: printJson,
      });
      if (stop.requested) {
        // Stopped while starting: nothing listens yet, so there is nothing to finish.
        await app.close();
        await store.close();
        process.exit(0);
      }
      // One sweeper is enough: in a cluster, the worker the primary chose runs it.
      const stopSweeper = runsSweeper() ? startSweeper(ctx, app.log) : () => {};
      const connections = trackConnections(app.server);
      await listenOnClusterPort((port) => app.listen({ host: opts.host, port }), Number(opts.port));
      const removePidFile = pidFile && !workerId ? writePidFile(pidFile) : () => {};
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : opts.port;
      if (workerId) reportListening(Number(port));
      else announce(port);
      // Stops accepting, finishes what is in flight (answers on keep-alive connections say
      // `Connection: close`), then exits; after --drain-timeout the remaining connections are cut.
      const shutdown = async () => {
        stopSweeper();
        const { forced, elapsedMs } = await connections.drain({ timeoutMs: drainTimeoutMs });
        if (forced > 0) app.log.warn({ forced, elapsedMs }, 'drain timeout: connections closed with requests unfinished');
        // A worker exits only once its primary hands it no more connections (else one on its way is lost).
        await handedEverything();
        await app.close();
        await store.close();
        removePidFile();
        process.exit(0);
      };
      stop.handleWith(() => void shutdown());
      // SIGHUP's default is to end the process: a worker leaves reloads to its primary, a lone server has no one to hand over to.
      process.on('SIGHUP', () => {
        if (!workerId) app.log.warn('SIGHUP: a single server process cannot replace itself; run with --workers 2 or more for reloads');
      });
    });

  serve
    .command('reload')
    .description('Replace the workers of a running `tenantry serve --workers N` one by one, without failing a request (sends SIGHUP)')
    .option('--database <url>', 'the running server\'s database, to find its pid file next to a SQLite file')
    .option('--pid-file <path>', 'the running server\'s pid file (env TENANTRY_PID_FILE)', process.env.TENANTRY_PID_FILE)
    .addHelpText('after', '\nExample:\n  tenantry serve reload --pid-file /run/tenantry.pid\n')
    .action((_opts, command: Command) => {
      // `serve` has the same options, and commander gives them to it wherever they stand.
      const opts = command.optsWithGlobals();
      const pidFile = pidFileFor(opts.pidFile, databaseUrl(opts.database));
      if (!pidFile) throw new Error('Give --pid-file (the server on PostgreSQL writes one only when told where)');
      const pid = readRunningPid(pidFile);
      process.kill(pid, 'SIGHUP');
      process.stdout.write(`sent SIGHUP to ${pid}: its workers are replaced one by one (see the server's log)\n`);
    });

  program
    .command('migrate')
    .description('Create or upgrade the database schema')
    .option('--database <url>', 'sqlite:PATH or postgres://…')
    .action(async (opts) => {
      const store = openStore(databaseUrl(opts.database));
      await store.migrate();
      await store.close();
      process.stdout.write('database is up to date\n');
    });

  program
    .command('token')
    .description("Print a bearer token signed with the server's own key")
    .option('--database <url>', 'sqlite:PATH or postgres://…')
    .option('--partner <tenantId>', 'partner tenant id (default: the demo partner)', demoPartnerId)
    .option('--role <role>', 'role to grant (repeatable; default AdminAgent)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--app-only', 'an application token without a user (refused on user routes)')
    .option('--expires <duration>', 'lifetime', '1h')
    .addHelpText('after', '\nExample:\n  TOKEN=$(npx tenantry token --role HelpdeskAgent)\n')
    .action(async (opts) => {
      const store = openStore(databaseUrl(opts.database));
      await store.migrate();
      const tokens = new TokenService(store, process.env.TENANTRY_ISSUER ?? defaultConfig.issuer);
      await tokens.init();
      const token = await tokens.issue({ partnerId: opts.partner, roles: opts.role, appOnly: Boolean(opts.appOnly), expiresIn: parseDuration(opts.expires) });
      await store.close();
      process.stdout.write(`${token}\n`);
    });
}
