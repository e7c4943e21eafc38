/**
 * The pid file of a running `tenantry serve`: how `tenantry serve reload` finds the process to
 * signal. `--pid-file PATH` (env TENANTRY_PID_FILE) names it; without it, a server on a SQLite
 * file keeps it next to the database (`tenantry.db` → `tenantry.db.pid`), so `serve` and
 * `serve reload` with the same `--database` (or none) meet without further options.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * The pid file to use, or undefined when there is none (PostgreSQL or in-memory SQLite without `--pid-file`).
 *
 * @example
 * pidFileFor(undefined, 'sqlite:./data/tenantry.db'); // './data/tenantry.db.pid'
 */
export function pidFileFor(option: string | undefined, databaseUrl: string): string | undefined {
  if (option) return option;
  const path = databaseUrl.startsWith('sqlite:') ? databaseUrl.slice('sqlite:'.length) : '';
  return path && path !== ':memory:' ? `${path}.pid` : undefined;
}

/**
 * Writes this process's pid; the returned function removes the file if it still names this process.
 *
 * @example
 * const removePidFile = writePidFile('./data/tenantry.db.pid');
 */
export function writePidFile(path: string): () => void {
  writeFileSync(path, `${process.pid}\n`);
  return () => {
    try {
      if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path, { force: true });
    } catch {
      // already gone
    }
  };
}

/**
 * The pid a pid file names, checked to be a running process.
 *
 * @example
 * process.kill(readRunningPid('./data/tenantry.db.pid'), 'SIGHUP');
 */
export function readRunningPid(path: string): number {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch {
    throw new Error(`No pid file at ${path}: is \`tenantry serve\` running with this --database or --pid-file?`);
  }
  const pid = Number(text);
  if (!/^\d+$/.test(text) || pid <= 1) throw new Error(`The pid file ${path} holds no process id`);
  try {
    process.kill(pid, 0);
  } catch {
    throw new Error(`No process ${pid} (from ${path}) is running: the server stopped without removing its pid file`);
  }
  return pid;
}
