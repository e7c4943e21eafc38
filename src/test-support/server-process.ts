/**
 * The compiled `tenantry` command as a child process, for tests of what only a real process shows:
 * clusters, SIGKILL, restarts. Also a throw-away PostgreSQL database per test and an HTTP helper
 * that opens a new connection per request (so a cluster spreads requests over its workers).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { promisify } from 'node:util';
import pg from 'pg';
import { testPostgresUrl } from './stores.js';

export const cliPath = new URL('../../bin/tenantry.js', import.meta.url).pathname;
const execFileAsync = promisify(execFile);

/** Runs a `tenantry` command to completion and returns its standard output. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, [cliPath, ...args], { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** SIGTERM (SIGKILL after 15 s), then waits for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: no shutdown at all, as in a crash. */
  kill(): Promise<void>;
}

/**
 * Starts `tenantry serve ARGS` and waits for its `listening on` line. `nodeArgs` go to Node
 * itself (e.g. `--trace-gc`, whose lines `output()` then holds).
 *
 * @example
 * const server = await startServerProcess(['--port', '0', '--database', url]);
 */
export function startServerProcess(args: string[], env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, cliPath, 'serve', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start: ${out}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /^listening on (http:\/\/\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          child,
          url: m[1],
          output: () => out,
          stop: async () => {
            child.kill('SIGTERM');
            // A server that does not stop in time is killed, so a test never hangs on it.
            const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
            const code = await exited;
            clearTimeout(timer);
            return code;
          },
          kill: async () => {
            child.kill('SIGKILL');
            await exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${out}`));
    });
  });
}

/** A new, empty PostgreSQL database; `drop()` removes it. */
export async function createScratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `tenantry_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testPostgresUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(testPostgresUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: testPostgresUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

/**
 * One request over its own TCP connection (no keep-alive), so each request is a new connection
 * the cluster hands to its next worker, or over `agent`'s connections when given (keep-alive).
 * Fails after `timeoutMs` rather than hang on a dead process.
 *
 * @example
 * const res = await requestOnce('GET', `${url}/v1/customers`, { authorization: `Bearer ${token}` });
 */
export function requestOnce(method: string, url: string, headers: Record<string, string> = {}, body?: unknown, timeoutMs = 15_000, agent: http.Agent | false = false): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(url, { method, agent, headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        let json: unknown;
        try {
          json = text ? JSON.parse(text.replace(/^\uFEFF/, '')) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}
