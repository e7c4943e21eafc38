/**
 * Reads the one JSON line `tenantry serve --print-json` prints when it is ready, from a child
 * process's standard output. What the process wrote to stderr is kept, so that a server that
 * exits or hangs at start is reported with its own words.
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** The line's content, as the emulator contract fixes it. */
export interface ReadyLine {
  url: string;
  adminToken: string;
  workspace: { id: string; partnerId: string; tokens: { AdminAgent: string; HelpdeskAgent: string; SalesAgent: string } };
}

const keptStderr = 8 * 1024;

/**
 * Resolves with the first stdout line that is a JSON object with `url` and `adminToken`; rejects when the process
 * exits first or nothing comes within `timeoutMs`. Lines that are not JSON are skipped (and quoted
 * if it fails), so a warning printed by Node itself does not break the start.
 *
 * @example
 * const child = spawn(process.execPath, [cli, 'serve', '--emulator', '--port', '0', '--print-json'], { stdio: ['ignore', 'pipe', 'pipe'] });
 * const ready = await readReadyLine(child, 30_000);
 */
export function readReadyLine(child: ChildProcess, timeoutMs: number): Promise<ReadyLine> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const skipped: string[] = [];
    const onStderr = (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-keptStderr);
    };
    child.stderr?.on('data', onStderr);
    const lines = createInterface({ input: child.stdout! });
    const describe = () =>
      [skipped.length ? `stdout: ${skipped.join('\n').slice(-2000)}` : '', stderr ? `stderr: ${stderr.trim()}` : ''].filter(Boolean).join('\n');
    const finish = (error: Error | undefined, line?: ReadyLine) => {
      clearTimeout(timer);
      lines.close();
      child.off('exit', onExit);
      child.off('error', onError);
      child.stderr?.off('data', onStderr);
      if (error) reject(error);
      else resolve(line!);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      finish(new Error(`tenantry serve exited (${signal ?? `code ${code}`}) before printing its JSON line\n${describe()}`));
    const onError = (error: Error) => finish(error);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new Error(`tenantry serve printed no JSON line within ${timeoutMs} ms\n${describe()}`));
    }, timeoutMs);
    lines.on('line', (text) => {
      const parsed = parseLine(text);
      if (parsed) finish(undefined, parsed);
      else skipped.push(text);
    });
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

function parseLine(text: string): ReadyLine | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const value = JSON.parse(text) as ReadyLine;
    return value && typeof value.url === 'string' && typeof value.adminToken === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
