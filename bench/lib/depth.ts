/**
 * First page against last page over HTTP, requests alternating one by one on one keep-alive
 * connection, so both see the same machine load (this machine is shared, and two back-to-back
 * runs can differ by more than the effect measured).
 */
export interface DepthResult {
  requests: number;
  firstP50Ms: number;
  firstP99Ms: number;
  lastP50Ms: number;
  lastP99Ms: number;
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

/**
 * @example
 * const d = await alternateFirstAndLast(listUrl, auth, lastToken, 300);
 */
export async function alternateFirstAndLast(listUrl: string, auth: string, lastToken: string, pairs: number): Promise<DepthResult> {
  const first: number[] = [];
  const last: number[] = [];
  const get = async (token?: string) => {
    const headers: Record<string, string> = { authorization: `Bearer ${auth}` };
    if (token) headers['ms-continuationtoken'] = token;
    const t = performance.now();
    const response = await fetch(token ? `${listUrl}&seekOperation=Next` : listUrl, { headers });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`depth: HTTP ${response.status}`);
    return performance.now() - t;
  };
  for (let i = 0; i < 20; i++) await get(i % 2 ? lastToken : undefined);
  for (let i = 0; i < pairs; i++) {
    first.push(await get());
    last.push(await get(lastToken));
  }
  return { requests: pairs * 2, firstP50Ms: percentile(first, 0.5), firstP99Ms: percentile(first, 0.99), lastP50Ms: percentile(last, 0.5), lastP99Ms: percentile(last, 0.99) };
}
