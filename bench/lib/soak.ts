/**
 * The soak: a steady, bounded mix of reads and writes at a fixed rate from this process, while
 * the server's resident memory is sampled. Passes when no request fails and memory stays flat.
 */
import { memoryOf } from './processes.js';

export interface SoakResult {
  seconds: number;
  ratePerSecond: number;
  requests: number;
  errors: number;
  /** Failures by kind and status (or exception name), e.g. `create 503`. */
  errorKinds: Record<string, number>;
  /** The first few failure bodies or messages, for the report. */
  errorSamples: string[];
  byKind: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  rssSamplesMb: number[];
  /** The server's own (anonymous) resident memory at the same moments. */
  anonSamplesMb: number[];
  /** Mean anonymous RSS of the last quarter of samples ÷ that of the first quarter (after warm-up). */
  rssGrowth: number;
}

export interface SoakOptions {
  baseUrl: string;
  pid: number;
  auth: string;
  customerId: string;
  domain: string;
  tokens: string[];
  userIds: string[];
  seconds: number;
  ratePerSecond: number;
}

/**
 * Sends requests on a fixed schedule (not as fast as possible): 80 % page reads at random
 * depth, 10 % single-user reads, 10 % creates.
 */
export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const usersUrl = `${o.baseUrl}/v1/customers/${o.customerId}/users`;
  const auth = `Bearer ${o.auth}`;
  const latencies: number[] = [];
  const byKind: Record<string, number> = { list: 0, get: 0, create: 0 };
  let errors = 0;
  const errorKinds: Record<string, number> = {};
  const errorSamples: string[] = [];
  const fail = (kind: string, detail: string) => {
    errors++;
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
    if (errorSamples.length < 5) errorSamples.push(`${kind}: ${detail.slice(0, 300)}`);
  };
  let created = 0;
  const rss: number[] = [];
  const anon: number[] = [];
  const sample = () => {
    const m = memoryOf(o.pid);
    rss.push(Math.round(m.rssMb));
    anon.push(Math.round(m.anonMb));
  };
  const prefix = `soak${Date.now() % 1e8}`;
  const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];

  async function one(i: number) {
    const roll = i % 10;
    const kind = roll < 8 ? 'list' : roll === 8 ? 'get' : 'create';
    const t = performance.now();
    let response: Response;
    if (roll < 8) {
      byKind.list++;
      response = await fetch(`${usersUrl}?size=100&seekOperation=Next`, { headers: { authorization: auth, 'ms-continuationtoken': pick(o.tokens) } });
    } else if (roll === 8) {
      byKind.get++;
      response = await fetch(`${usersUrl}/${pick(o.userIds)}`, { headers: { authorization: auth } });
    } else {
      byKind.create++;
      const n = ++created;
      response = await fetch(usersUrl, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ userPrincipalName: `${prefix}.${n}@${o.domain}`, displayName: `Soak User ${n}`, usageLocation: 'US', passwordProfile: { password: `Soak!Pass${n}x`, forceChangePassword: true } }),
      });
    }
    const body = await response.text();
    latencies.push(performance.now() - t);
    if (response.status >= 400) fail(`${kind} ${response.status}`, body);
  }

  const started = performance.now();
  const total = Math.round(o.seconds * o.ratePerSecond);
  const inFlight = new Set<Promise<void>>();
  const sampler = setInterval(sample, 5000);
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / o.ratePerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const p = one(i).catch((e: Error) => fail(`${i % 10 < 8 ? 'list' : i % 10 === 8 ? 'get' : 'create'} ${e.name}`, `${e.message} ${String((e as { cause?: unknown }).cause ?? '')}`));
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }
  await Promise.all(inFlight);
  clearInterval(sampler);
  sample();
  latencies.sort((a, b) => a - b);
  const quarter = Math.max(1, Math.floor(rss.length / 4));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  // The first sample is skipped: it still includes start-up and JIT warm-up.
  const early = anon.slice(1, 1 + quarter);
  const late = anon.slice(-quarter);
  return {
    seconds: (performance.now() - started) / 1000,
    ratePerSecond: o.ratePerSecond,
    requests: latencies.length,
    errors,
    errorKinds,
    errorSamples,
    byKind,
    p50Ms: latencies[Math.floor(latencies.length / 2)] ?? 0,
    p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
    rssSamplesMb: rss,
    anonSamplesMb: anon,
    rssGrowth: early.length ? mean(late) / mean(early) : 1,
  };
}
