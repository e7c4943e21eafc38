/**
 * A thin client for the emulator's control plane (`/_tenantry/…`, only served by
 * `tenantry serve --emulator`): workspaces, tokens, the clock, snapshots and exports, called over
 * HTTP with the admin token that `--print-json` prints.
 */
import { PartnerError } from '@tenantry/sdk';

/** The three agent roles a workspace has a token for. */
export type AgentRole = 'AdminAgent' | 'HelpdeskAgent' | 'SalesAgent';

/** A workspace's clock: the time everything in it reads, and whether it stands still. */
export interface ClockState {
  now: string;
  frozen: boolean;
}

/** One clock move: jump by an ISO-8601 duration, jump to an instant, or stop/restart the clock. */
export type ClockChange = { advance: string } | { set: string } | { freeze: boolean };

/** A workspace as the control plane describes it; its id is its partner tenant id. */
export interface WorkspaceInfo {
  id: string;
  partnerId: string;
  name?: string;
  seed?: string;
  createdAt?: string;
  clock?: ClockState;
  /** Tokens without expiry (valid across clock moves), one per agent role. */
  tokens: Record<AgentRole, string>;
}

/**
 * The declarative fixture format (customers, their users, subscribed SKUs, licences, roles).
 * Described loosely here; the server checks it whole and answers an ApiFault naming each problem.
 */
export interface Fixture {
  seed?: string;
  customers?: Array<{
    id?: string;
    companyName: string;
    domain: string;
    subscribedSkus?: Array<{ skuId: string; seats: number }>;
    users?: Array<Record<string, unknown> & { userPrincipalName: string }>;
    generate?: { count: number; seed?: string };
  }>;
  [key: string]: unknown;
}

export interface NewWorkspaceOptions {
  name?: string;
  /** The same seed gives the same ids every time, so tests can assert on them. */
  seed?: string;
  fixture?: Fixture;
}

export interface SnapshotInfo {
  name: string;
  createdAt: string;
}

export interface IssuedToken {
  token: string;
  expiresOn?: string;
}

export interface EmulatorControlOptions {
  /** The server's root, e.g. `http://127.0.0.1:41234`. */
  url: string;
  adminToken: string;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * Calls the control plane. A failed call throws the SDK's `PartnerError` with the HTTP status and
 * the ApiFault's code and description, like every other Tenantry call.
 *
 * @example
 * const control = new EmulatorControl({ url, adminToken });
 * const ws = await control.createWorkspace({ seed: 'suite-1' });
 * await control.clock(ws.id, { advance: 'P31D' });
 */
export class EmulatorControl {
  readonly url: string;
  private readonly adminToken: string;
  private readonly fetch: typeof fetch;

  constructor(options: EmulatorControlOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.adminToken = options.adminToken;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /**
   * Any control-plane call: `path` is below `/_tenantry` (e.g. `/workspaces`). Answers the parsed
   * JSON body, or undefined for an empty one (204).
   *
   * @example
   * const { items } = await control.request<{ items: WorkspaceInfo[] }>('GET', '/workspaces');
   */
  async request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const res = await this.fetch(`${this.url}/_tenantry${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.adminToken}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // Tenantry may start JSON with a byte-order mark, as Partner Center does.
    const text = (await res.text()).replace(/^\uFEFF/, '');
    const json = text ? parseJson(text) : undefined;
    if (!res.ok) {
      const fault = json && typeof json === 'object' ? (json as Record<string, unknown>) : {};
      throw new PartnerError({
        status: res.status,
        code: typeof fault.code === 'number' || typeof fault.code === 'string' ? fault.code : undefined,
        description: typeof fault.description === 'string' ? fault.description : `${method} /_tenantry${path}: HTTP ${res.status} ${text.slice(0, 200)}`,
        data: Array.isArray(fault.data) ? fault.data : undefined,
      });
    }
    return json as T;
  }

  /** Creates an isolated workspace (a partner of its own), optionally seeded and loaded with a fixture. */
  createWorkspace(options: NewWorkspaceOptions = {}): Promise<WorkspaceInfo> {
    return this.request('POST', '/workspaces', options);
  }

  listWorkspaces(): Promise<{ totalCount: number; items: WorkspaceInfo[] }> {
    return this.request('GET', '/workspaces');
  }

  getWorkspace(id: string): Promise<WorkspaceInfo> {
    return this.request('GET', workspacePath(id));
  }

  /** Removes the workspace and every row it owns. */
  async deleteWorkspace(id: string): Promise<void> {
    await this.request('DELETE', workspacePath(id));
  }

  /** Brings the workspace back to its fixture, and its clock back to real time. */
  resetWorkspace(id: string): Promise<WorkspaceInfo> {
    return this.request('POST', `${workspacePath(id)}/reset`);
  }

  /** Issues another token for the workspace; one with `expiresIn` (ISO-8601) expires on the workspace clock. */
  issueToken(id: string, options: { roles?: string[]; expiresIn?: string } = {}): Promise<IssuedToken> {
    return this.request('POST', `${workspacePath(id)}/tokens`, options);
  }

  /** Reads the workspace clock, or moves it when `change` is given. */
  clock(id: string, change?: ClockChange): Promise<ClockState> {
    return change === undefined ? this.request('GET', `${workspacePath(id)}/clock`) : this.request('POST', `${workspacePath(id)}/clock`, change);
  }

  /** The workspace's current state as a fixture. */
  exportWorkspace(id: string): Promise<Fixture> {
    return this.request('GET', `${workspacePath(id)}/export`);
  }

  createSnapshot(id: string, name: string): Promise<SnapshotInfo> {
    return this.request('POST', `${workspacePath(id)}/snapshots`, { name });
  }

  listSnapshots(id: string): Promise<unknown> {
    return this.request('GET', `${workspacePath(id)}/snapshots`);
  }

  /** Undoes every write since the snapshot was taken. */
  async restoreSnapshot(id: string, name: string): Promise<void> {
    await this.request('POST', `${workspacePath(id)}/snapshots/${encodeURIComponent(name)}/restore`);
  }

  async deleteSnapshot(id: string, name: string): Promise<void> {
    await this.request('DELETE', `${workspacePath(id)}/snapshots/${encodeURIComponent(name)}`);
  }
}

const workspacePath = (id: string) => `/workspaces/${encodeURIComponent(id)}`;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
