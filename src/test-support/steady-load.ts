/**
 * A steady mixed load against a running server for lifecycle tests: clients that open a new
 * connection per request and clients that keep one connection alive, each sending reads (a page
 * of users) and writes (a new user) back to back until stopped. Every answer other than the
 * expected status, and every connection error, is a failure.
 */
import http from 'node:http';
import { requestOnce } from './server-process.js';

export interface LoadReport {
  requests: number;
  failures: string[];
  /** Answers per `X-Tenantry-Worker` (a lone server answers as 'single'). */
  workers: Map<string, number>;
  /** Users the load created (acknowledged with 201). */
  created: string[];
}

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  customerId: string;
  domain: string;
  newConnectionClients?: number;
  keepAliveClients?: number;
  /** Prefix of the user names the load creates. */
  tag?: string;
}

/**
 * Starts the load; `stop()` lets every client finish its request and reports.
 *
 * @example
 * const load = startSteadyLoad({ url, headers: auth, customerId, domain });
 * await reload();
 * const report = await load.stop();
 */
export function startSteadyLoad(options: LoadOptions): { stop(): Promise<LoadReport>; report: LoadReport } {
  const report: LoadReport = { requests: 0, failures: [], workers: new Map(), created: [] };
  let running = true;
  const tag = options.tag ?? 'load';
  const users = `${options.url}/v1/customers/${options.customerId}/users`;
  const agents: http.Agent[] = [];

  const client = async (name: string, agent: http.Agent | false) => {
    for (let i = 0; running; i++) {
      const write = i % 3 === 2;
      const upn = `${tag}.${name}.${i}@${options.domain}`;
      report.requests++;
      try {
        const res = write
          ? await requestOnce('POST', users, options.headers, { userPrincipalName: upn, displayName: `Load ${name} ${i}` }, 15_000, agent)
          : await requestOnce('GET', `${users}?size=5`, options.headers, undefined, 15_000, agent);
        const worker = String(res.headers['x-tenantry-worker'] ?? 'single');
        report.workers.set(worker, (report.workers.get(worker) ?? 0) + 1);
        if (res.status !== (write ? 201 : 200)) report.failures.push(`${name} ${write ? 'POST' : 'GET'} ${res.status} ${res.text.slice(0, 200)}`);
        else if (write) report.created.push(upn);
      } catch (e) {
        report.failures.push(`${name} ${write ? 'POST' : 'GET'} ${(e as Error).message}`);
      }
    }
  };

  const clients: Promise<void>[] = [];
  for (let c = 0; c < (options.newConnectionClients ?? 3); c++) clients.push(client(`new${c}`, false));
  for (let c = 0; c < (options.keepAliveClients ?? 3); c++) {
    // One socket per client, reused request after request.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    clients.push(client(`kept${c}`, agent));
  }
  return {
    report,
    async stop() {
      running = false;
      await Promise.all(clients);
      for (const agent of agents) agent.destroy();
      return report;
    },
  };
}
