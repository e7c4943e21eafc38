/**
 * Child processes for the bench: the tenantry server and the bare node:http baseline, each bound
 * to loopback on a free port, with their memory read from /proc while they run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const cliPath = fileURLToPath(new URL('../../bin/tenantry.js', import.meta.url));

// Every child still running when the bench exits (even on a crash) is killed, so no server outlives it.
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface Running {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/**
 * Resident, peak resident and anonymous resident memory of a live process, in MB (Linux /proc).
 * `anonMb` leaves out file pages mapped into the process, such as SQLite's memory-mapped
 * database, which the kernel can drop at will: it is the process's own memory.
 */
export function memoryOf(pid: number): { rssMb: number; peakMb: number; anonMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024, anonMb: kb('RssAnon') / 1024 };
}

/** Starts a process that prints `listening on http://…` and resolves once it does. */
function startListening(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Running> {
  const child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start: ${stderr}`)), 120_000);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${stderr}`)));
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({
          child,
          url: m[1],
          stop: () =>
            new Promise<void>((done) => {
              // A child killed by a signal has signalCode set and exitCode null.
              if (child.exitCode !== null || child.signalCode !== null) return done();
              // Kept referenced: the pending exit alone does not keep the event loop alive. If no
              // exit event arrives at all (seen with `serve --workers`), give up waiting after 8 s.
              const force = setTimeout(() => child.kill('SIGKILL'), 5000);
              const giveUp = setTimeout(done, 8000);
              child.once('exit', () => {
                clearTimeout(force);
                clearTimeout(giveUp);
                done();
              });
              child.kill('SIGTERM');
            }),
        });
      }
    });
  });
}

/**
 * `tenantry serve` on loopback with warn-level logs and throttling off.
 *
 * @example
 * const server = await startServer('sqlite:.bench/sqlite-1m.db');
 */
export function startServer(database: string, extraEnv: NodeJS.ProcessEnv = {}, nodeArgs: string[] = [], serveArgs: string[] = []): Promise<Running> {
  return startListening(process.execPath, [...nodeArgs, cliPath, 'serve', '--host', '127.0.0.1', '--port', '0', '--database', database, '--log-level', 'warn', ...serveArgs], {
    TENANTRY_RATE_LIMIT: 'off',
    ...extraEnv,
  });
}

/** The baseline: a bare node:http server answering every request with the bytes in `bodyFile`. */
export function startBaseline(bodyFile: string): Promise<Running> {
  return startListening(process.execPath, [fileURLToPath(new URL('../baseline-server.mjs', import.meta.url)), bodyFile]);
}

/** The framework floor: bare fastify answering every request with the bytes in `bodyFile`. */
export function startFastifyFloor(bodyFile: string): Promise<Running> {
  return startListening(process.execPath, [fileURLToPath(new URL('../fastify-floor.mjs', import.meta.url)), bodyFile]);
}

/** Runs the tenantry CLI to completion and returns its stdout. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`tenantry ${args[0]} exited with ${code}: ${err}`))));
  });
}
