/**
 * `tenantry serve --workers N`: N server processes (node:cluster) sharing one port and one
 * database (PostgreSQL, or a SQLite file). The primary prepares the database once (migrations, demo data), then forks;
 * it prints the `listening on …` line when every worker listens, replaces a worker that dies,
 * replaces all of them one by one on SIGHUP (`tenantry serve reload`), and on SIGTERM or SIGINT
 * stops them all, each after finishing its requests. Everything workers share lives in the database: signing
 * keys, the paging secret, idempotency claims, throttling counters and the audit log.
 */
import cluster, { type Worker } from 'node:cluster';

/** What a worker tells the primary once it listens. */
interface ListeningMessage {
  type: 'tenantry:listening';
  port: number;
}

const isListeningMessage = (m: unknown): m is ListeningMessage =>
  typeof m === 'object' && m !== null && (m as ListeningMessage).type === 'tenantry:listening' && typeof (m as ListeningMessage).port === 'number';

/** A worker whose listener is closed asks; the primary answers on the same channel (see `handedEverything`). */
const closedMessage = { type: 'tenantry:listener-closed' } as const;
const closedAnswer = { type: 'tenantry:hands-nothing-more' } as const;
const isMessage = (m: unknown, type: string): boolean => typeof m === 'object' && m !== null && (m as { type?: unknown }).type === type;

/**
 * Parses `--workers`. Several processes share one database file or server; an in-memory SQLite
 * database lives inside one process, so it takes one. On SQLite, workers add read capacity (WAL
 * lets readers in every process run beside the one writer); writes still take turns.
 *
 * @example
 * parseWorkerCount('2', 'postgres://db/tenantry'); // 2
 */
export function parseWorkerCount(value: string, databaseUrl: string): number {
  if (!/^\d{1,3}$/.test(value.trim()) || Number(value) < 1 || Number(value) > 64) throw new Error(`Invalid --workers ${value}: use a whole number from 1 to 64`);
  const workers = Number(value);
  if (workers > 1 && databaseUrl === 'sqlite::memory:') {
    throw new Error('--workers > 1 needs a database every process can open: an in-memory SQLite database belongs to one process (use sqlite:PATH or postgres://…)');
  }
  return workers;
}

/** The cluster worker this process is, if any (its id goes into the X-Tenantry-Worker header). */
export const clusterWorkerId = (): string | undefined => (cluster.isWorker && cluster.worker ? String(cluster.worker.id) : undefined);

// The environment variable that marks the one worker running the periodic purge.
const sweeperVariable = 'TENANTRY_CLUSTER_SWEEPER';

/** Whether this process runs the purge sweeper: a lone server, or the one worker the primary chose. */
export const runsSweeper = (): boolean => !cluster.isWorker || process.env[sweeperVariable] === '1';

// The environment variable that gives workers forked after the first one listened the port it got.
const portVariable = 'TENANTRY_CLUSTER_PORT';

/**
 * Listens on the port asked for; with `--port 0`, a worker forked after the cluster got its port
 * asks for that port. The primary shares one socket per port *asked for*: when every worker dies
 * at once the socket asked for as 0 closes, and replacements asking for 0 again would get a new
 * port, leaving the announced one dead. Asking by number while workers that asked for 0 still
 * hold it is refused (EADDRINUSE); asking for 0 then joins them.
 *
 * @example
 * await listenOnClusterPort((port) => app.listen({ host, port }), Number(opts.port));
 */
export async function listenOnClusterPort(listen: (port: number) => Promise<unknown>, requested: number): Promise<void> {
  const known = cluster.isWorker ? Number(process.env[portVariable]) : NaN;
  if (requested !== 0 || !Number.isInteger(known) || known <= 0) {
    await listen(requested);
    return;
  }
  try {
    await listen(known);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    await listen(0);
  }
}

/** In a worker: tells the primary this process listens. */
export function reportListening(port: number): void {
  const message: ListeningMessage = { type: 'tenantry:listening', port };
  process.send?.(message);
}

/**
 * In a worker whose listener is closed: resolves once the primary can hand it no more connections,
 * so that the process may exit. Until the primary reads the worker's close, its round-robin still
 * hands new connections to the worker; the worker hands them back (Node does), but only if it
 * reads them. One that is still in the channel when the worker exits is lost, and the primary
 * keeps its end of it open: the client waits for an answer that never comes. The primary answers
 * this worker's question after the close it sent before it, on the channel that carries the
 * connections, so when the answer arrives every connection sent here was read and handed back.
 * Resolves at once outside a cluster, and after `timeoutMs` if the primary does not answer.
 *
 * @example
 * await tracker.drain({ timeoutMs: 10_000 }); // closes the listener
 * await handedEverything();
 * process.exit(0);
 */
export function handedEverything(timeoutMs = 2000): Promise<void> {
  if (!cluster.isWorker || !process.connected || !process.send) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      process.off('message', onMessage);
      process.off('disconnect', done);
      resolve();
    };
    const onMessage = (message: unknown) => {
      if (isMessage(message, closedAnswer.type)) done();
    };
    const timer = setTimeout(done, timeoutMs);
    process.on('message', onMessage);
    process.once('disconnect', done);
    process.send!(closedMessage);
  });
}

export interface PrimaryOptions {
  workers: number;
  /** Runs once before any worker starts (migrations, demo data). */
  prepare: () => Promise<void>;
  /** Prints the lines announcing the server, with the port the workers share. */
  announce: (port: number) => void;
  /** How long a stopping worker may take to finish its requests before it is killed. */
  drainTimeoutMs: number;
}

/**
 * Runs the primary: prepares, forks `workers` processes, announces once all of them listen,
 * replaces a worker that dies, replaces them all one by one on SIGHUP (a reload: each new worker
 * listens before an old one is stopped, and a stopped worker finishes its requests first), and
 * stops them all on SIGTERM/SIGINT. Resolves when the primary may exit.
 *
 * @example
 * if (workers > 1 && cluster.isPrimary) return runPrimary({ workers, prepare, announce, drainTimeoutMs: 10_000 });
 */
export async function runPrimary({ workers, prepare, announce, drainTimeoutMs }: PrimaryOptions): Promise<void> {
  await prepare();
  let stopping = false;
  const listening = new Set<number>();
  let announced = false;
  // Workers a reload is stopping on purpose: their exit is not a crash to repair.
  const retiring = new Set<number>();
  // Workers a reload started and that do not listen yet: if one dies, the reload gives up (no crash loop).
  const onTrial = new Set<number>();
  const log = (line: string) => process.stderr.write(`${line}\n`);

  let sweeper: number | undefined;
  let port: number | undefined;
  const fork = (asSweeper = sweeper === undefined) => {
    // One worker purges expired data; when it dies (or a reload retires it), its replacement takes the job over.
    const worker = cluster.fork({ ...(asSweeper ? { [sweeperVariable]: '1' } : {}), ...(port ? { [portVariable]: String(port) } : {}) });
    if (asSweeper) sweeper = worker.id;
    worker.on('message', (message: unknown) => {
      // Sent after everything sent to the worker so far, connections included (see handedEverything).
      if (isMessage(message, closedMessage.type)) {
        if (worker.isConnected()) worker.send(closedAnswer);
        return;
      }
      if (!isListeningMessage(message)) return;
      port ??= message.port;
      listening.add(worker.id);
      worker.emit('tenantry:listening');
      if (!announced && listening.size === workers) {
        announced = true;
        announce(message.port);
      }
    });
    return worker;
  };

  /** SIGTERM, then SIGKILL when the worker has not finished within the drain time; resolves on its exit. */
  const stopWorker = (worker: Worker) =>
    new Promise<void>((resolve) => {
      if (worker.isDead()) return resolve();
      const timer = setTimeout(() => worker.isDead() || worker.process.kill('SIGKILL'), drainTimeoutMs + 5000);
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      worker.process.kill('SIGTERM');
    });

  /** A new worker's start: resolves once it listens, rejects if it exits first. */
  const started = (worker: Worker) =>
    new Promise<void>((resolve, reject) => {
      const onExit = (code: number | null, signal: string | null) => reject(new Error(`worker ${worker.id} exited during start-up (${signal ?? `code ${code}`})`));
      worker.once('exit', onExit);
      worker.once('tenantry:listening', () => {
        worker.off('exit', onExit);
        resolve();
      });
    });

  let reloading = false;
  let again = false;
  /** Replaces every worker, one at a time, so that N workers (or N + 1) serve throughout. */
  const reload = async () => {
    const old = Object.values(cluster.workers ?? {}).filter((w): w is Worker => Boolean(w) && !retiring.has(w!.id));
    log(`reload: replacing ${old.length} workers one by one`);
    for (const previous of old) {
      if (stopping) return;
      if (previous.isDead()) continue; // died meanwhile, and was replaced already
      const wasSweeper = previous.id === sweeper;
      const next = fork(wasSweeper);
      onTrial.add(next.id);
      try {
        await started(next);
      } catch (e) {
        // The new code does not start: the old workers keep serving (and sweeping).
        if (wasSweeper) sweeper = previous.id;
        log(`reload stopped: ${(e as Error).message}; the running workers keep serving`);
        return;
      } finally {
        onTrial.delete(next.id);
      }
      retiring.add(previous.id);
      log(`reload: worker ${next.id} listens; stopping worker ${previous.id}`);
      await stopWorker(previous);
    }
    log(`reload complete: workers ${Object.keys(cluster.workers ?? {}).join(', ')}`);
  };

  cluster.on('exit', (worker: Worker, code, signal) => {
    listening.delete(worker.id);
    if (sweeper === worker.id) sweeper = undefined;
    if (stopping) return;
    if (retiring.delete(worker.id) || onTrial.has(worker.id)) return;
    if (!announced) {
      // A worker that dies before the server is up would die again: give up with its exit status.
      log(`worker ${worker.id} exited during start-up (${signal ?? `code ${code}`})`);
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
      process.exitCode = 1;
      return;
    }
    log(`worker ${worker.id} exited (${signal ?? `code ${code}`}); starting another`);
    fork();
  });

  for (let i = 0; i < workers; i++) fork();

  process.on('SIGHUP', async () => {
    if (stopping || !announced) return;
    // A SIGHUP during a reload asks for another one after it, so the newest code ends up running.
    if (reloading) {
      again = true;
      return;
    }
    reloading = true;
    try {
      do {
        again = false;
        await reload();
      } while (again && !stopping);
    } finally {
      reloading = false;
    }
  });

  await new Promise<void>((resolve) => {
    const stop = () => {
      if (stopping && Object.keys(cluster.workers ?? {}).length === 0) return resolve();
      stopping = true;
      const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => Boolean(w));
      if (alive.length === 0) return resolve();
      // Every worker finishes its requests (or is killed after the drain time), then the primary exits.
      void Promise.all(alive.map(stopWorker)).then(() => resolve());
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    cluster.on('exit', () => {
      if (stopping && Object.keys(cluster.workers ?? {}).length === 0) resolve();
    });
  });
}
