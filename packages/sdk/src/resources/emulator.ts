/**
 * `client.emulator…`: the control plane of a Tenantry server started with `serve --emulator`.
 * It answers to the emulator's admin token, not to partner tokens.
 *
 * @example
 * const client = createEmulatorClient({ baseUrl: 'http://127.0.0.1:8080', adminToken });
 * const ws = await client.emulator.workspaces.create({ name: 'my-suite', seed: 'my-suite' });
 * await client.emulator.workspaces.byId(ws.id).clock.advance('P30D');
 */
import type { ClientReport, ClockChange, Consistency, FaultRuleInput, FaultRuleList, Fixture, IssuedToken, JournalEntry, JournalFilter, JournalPage, Snapshot, SnapshotList, TokenRequest, Workspace, WorkspaceClock, WorkspaceCreate, WorkspaceList } from '../emulator-types.js';
import { PartnerClient, type PartnerClientOptions } from '../partner-client.js';
import type { CallOptions } from '../request-context.js';
import { ResourceOperations } from './resource.js';

/** The workspaces of the emulator. */
export class WorkspaceCollectionOperations extends ResourceOperations {
  /**
   * Creates a workspace; with a `seed` its id and the ids of what its requests create repeat on every run.
   *
   * @example
   * const ws = await client.emulator.workspaces.create({ seed: 'suite-a' });
   */
  create(body: WorkspaceCreate = {}, call?: CallOptions): Promise<Workspace> {
    return this.client.send({ method: 'POST', path: this.path, body }, call);
  }

  /** Every workspace. */
  list(call?: CallOptions): Promise<WorkspaceList> {
    return this.client.send({ method: 'GET', path: this.path }, call);
  }

  /** One workspace (404 PartnerError when unknown). */
  get(id: string, call?: CallOptions): Promise<Workspace> {
    return this.byId(id).get(call);
  }

  /** Deletes a workspace and every row it owns. */
  delete(id: string, call?: CallOptions): Promise<void> {
    return this.byId(id).delete(call);
  }

  /** Operations on one workspace. */
  byId(id: string): WorkspaceOperations {
    return new WorkspaceOperations(this.client, this.child(id));
  }
}

/** One workspace: reset, clock and tokens. */
export class WorkspaceOperations extends ResourceOperations {
  get(call?: CallOptions): Promise<Workspace> {
    return this.client.send({ method: 'GET', path: this.path }, call);
  }

  delete(call?: CallOptions): Promise<void> {
    return this.client.send({ method: 'DELETE', path: this.path }, call);
  }

  /**
   * Back to the fixture it was created with (or empty), the clock back to real time.
   *
   * @example
   * await client.emulator.workspaces.byId(id).reset();
   */
  reset(call?: CallOptions): Promise<Workspace> {
    return this.client.send({ method: 'POST', path: this.child('reset') }, call);
  }

  /**
   * The workspace's current data as a fixture; created with it, a new workspace answers the same.
   *
   * @example
   * const fixture = await client.emulator.workspaces.byId(id).export();
   * await client.emulator.workspaces.create({ fixture });
   */
  export(call?: CallOptions): Promise<Fixture> {
    return this.client.send({ method: 'GET', path: this.child('export') }, call);
  }

  /** The workspace's clock. */
  get clock(): WorkspaceClockOperations {
    return new WorkspaceClockOperations(this.client, this.child('clock'));
  }

  /** Tokens of the workspace's partner. */
  get tokens(): WorkspaceTokenOperations {
    return new WorkspaceTokenOperations(this.client, this.child('tokens'));
  }

  /** The workspace's request journal. */
  get requests(): WorkspaceRequestOperations {
    return new WorkspaceRequestOperations(this.client, this.child('requests'));
  }

  /**
   * The client checks the workspace's requests tripped, each with what the client should do instead.
   *
   * @example
   * const { checks } = await ws.clientReport();
   */
  clientReport(call?: CallOptions): Promise<ClientReport> {
    return this.client.send({ method: 'GET', path: this.child('client-report') }, call);
  }

  /** The workspace's snapshots: take, list, restore, delete. */
  get snapshots(): WorkspaceSnapshotOperations {
    return new WorkspaceSnapshotOperations(this.client, this.child('snapshots'));
  }

  /** The workspace's fault rules. */
  get faults(): WorkspaceFaultOperations {
    return new WorkspaceFaultOperations(this.client, this.child('faults'));
  }

  /** The workspace's consistency lag (how long writes stay invisible to reads). */
  get consistency(): WorkspaceConsistencyOperations {
    return new WorkspaceConsistencyOperations(this.client, this.child('consistency'));
  }
}

/** A workspace's consistency lag: read and set. */
export class WorkspaceConsistencyOperations extends ResourceOperations {
  /** `{}` (immediate, the default), `{ after }` or `{ afterReads }`. */
  get(call?: CallOptions): Promise<Consistency> {
    return this.client.send({ method: 'GET', path: this.path }, call);
  }

  /**
   * Sets the lag: new, changed and deleted users, licences and role members show in reads only
   * after `after` of the workspace clock or `afterReads` reads; `{}` for immediate. What was
   * pending turns visible at once.
   *
   * @example
   * await client.emulator.workspaces.byId(id).consistency.set({ after: 'PT30S' });
   */
  set(body: Consistency, call?: CallOptions): Promise<Consistency> {
    return this.client.send({ method: 'PUT', path: this.path, body }, call);
  }
}

/** A workspace's request journal: list (newest first), one entry, HAR export, clear. */
export class WorkspaceRequestOperations extends ResourceOperations {
  /**
   * A page of recorded requests, newest first; follow `links.next` with `next(page)`.
   *
   * @example
   * const page = await ws.requests.list({ status: 429, route: 'users.list' });
   */
  list(filter: JournalFilter = {}, call?: CallOptions): Promise<JournalPage> {
    const { since, ...rest } = filter;
    const query = { ...rest, ...(since !== undefined ? { since: typeof since === 'string' ? since : since.toISOString() } : {}) };
    return this.client.send({ method: 'GET', path: this.path, query }, call);
  }

  /** The page after `page`, or undefined when it was the last. */
  next(page: JournalPage, call?: CallOptions): Promise<JournalPage> | undefined {
    return page.links.next ? this.client.follow<JournalPage>(page.links.next, call) : undefined;
  }

  /** Every entry that matches, newest first, page by page. */
  async *all(filter: JournalFilter = {}, call?: CallOptions): AsyncGenerator<JournalEntry, void, undefined> {
    let page: JournalPage | undefined = await this.list(filter, call);
    while (page) {
      yield* page.items;
      page = await this.next(page, call);
    }
  }

  /** One entry (404 PartnerError once the ring dropped it). */
  get(entryId: string, call?: CallOptions): Promise<JournalEntry> {
    return this.client.send({ method: 'GET', path: this.child(entryId) }, call);
  }

  /**
   * The journal (same filters) as a HAR 1.2 document, to save and import into a browser's network panel.
   *
   * @example
   * writeFileSync('run.har', JSON.stringify(await ws.requests.har()));
   */
  har(filter: Omit<JournalFilter, 'size'> = {}, call?: CallOptions): Promise<{ log: { version: string; entries: unknown[] } & Record<string, unknown> }> {
    const { since, ...rest } = filter;
    const query = { ...rest, ...(since !== undefined ? { since: typeof since === 'string' ? since : since.toISOString() } : {}) };
    return this.client.send({ method: 'GET', path: `${this.path}.har`, query }, call);
  }

  /** Empties the journal. */
  clear(call?: CallOptions): Promise<void> {
    return this.client.send({ method: 'DELETE', path: this.path }, call);
  }
}

/** A workspace's fault rules: list, add, remove one, clear. */
export class WorkspaceFaultOperations extends ResourceOperations {
  /** Every rule with its counters. */
  list(call?: CallOptions): Promise<FaultRuleList> {
    return this.client.send({ method: 'GET', path: this.path }, call);
  }

  /**
   * Adds one rule, or several all-or-none; answers the rules added.
   *
   * @example
   * await ws.faults.add({ match: { operation: 'users.list', page: 2 }, effect: { status: 503, retryAfter: 1 }, times: 1 });
   */
  add(rules: FaultRuleInput | FaultRuleInput[], call?: CallOptions): Promise<FaultRuleList> {
    return this.client.send({ method: 'POST', path: this.path, body: Array.isArray(rules) ? { rules } : rules }, call);
  }

  /** Removes one rule (404 PartnerError when unknown). */
  remove(ruleId: string, call?: CallOptions): Promise<void> {
    return this.client.send({ method: 'DELETE', path: this.child(ruleId) }, call);
  }

  /** Removes every rule. */
  clear(call?: CallOptions): Promise<void> {
    return this.client.send({ method: 'DELETE', path: this.path }, call);
  }
}

/** A workspace's snapshots. */
export class WorkspaceSnapshotOperations extends ResourceOperations {
  /**
   * Takes a snapshot of the workspace's state, replacing one of the same name.
   *
   * @example
   * await ws.snapshots.create('clean');
   */
  create(name: string, call?: CallOptions): Promise<Snapshot> {
    return this.client.send({ method: 'POST', path: this.path, body: { name } }, call);
  }

  list(call?: CallOptions): Promise<SnapshotList> {
    return this.client.send({ method: 'GET', path: this.path }, call);
  }

  /**
   * Undoes every write since the snapshot: data, audit records, seats, idempotency answers,
   * throttle counters, fault rules, the clock and the id counter.
   *
   * @example
   * await ws.snapshots.restore('clean');
   */
  restore(name: string, call?: CallOptions): Promise<Workspace> {
    return this.client.send({ method: 'POST', path: `${this.child(name)}/restore` }, call);
  }

  delete(name: string, call?: CallOptions): Promise<void> {
    return this.client.send({ method: 'DELETE', path: this.child(name) }, call);
  }
}

/** A workspace clock: read, advance, set, freeze. */
export class WorkspaceClockOperations extends ResourceOperations {
  get(call?: CallOptions): Promise<WorkspaceClock> {
    return this.client.send({ method: 'GET', path: this.path }, call);
  }

  /**
   * Moves the clock by an ISO-8601 duration; deleted users past their restore window are purged.
   *
   * @example
   * await ws.clock.advance('P31D');
   */
  advance(duration: string, call?: CallOptions): Promise<WorkspaceClock> {
    return this.change({ advance: duration }, call);
  }

  /** Sets the clock to a UTC instant (`2027-01-01T00:00:00Z` or a Date). */
  set(instant: string | Date, call?: CallOptions): Promise<WorkspaceClock> {
    return this.change({ set: typeof instant === 'string' ? instant : instant.toISOString() }, call);
  }

  /** Stops the clock (`true`, the default) or lets it run on (`false`). */
  freeze(frozen = true, call?: CallOptions): Promise<WorkspaceClock> {
    return this.change({ freeze: frozen }, call);
  }

  private change(body: ClockChange, call?: CallOptions): Promise<WorkspaceClock> {
    return this.client.send({ method: 'POST', path: this.path, body }, call);
  }
}

/** Issues tokens of the workspace's partner. */
export class WorkspaceTokenOperations extends ResourceOperations {
  /**
   * A token for the roles asked (default AdminAgent); with `expiresIn` it expires on the workspace clock.
   *
   * @example
   * const { token } = await ws.tokens.create({ roles: ['HelpdeskAgent'], expiresIn: 'PT1H' });
   */
  create(body: TokenRequest = {}, call?: CallOptions): Promise<IssuedToken> {
    return this.client.send({ method: 'POST', path: this.path, body }, call);
  }
}

/** The control plane: `emulator.workspaces…`. */
export class EmulatorOperations {
  constructor(readonly client: PartnerClient) {}

  get workspaces(): WorkspaceCollectionOperations {
    return new WorkspaceCollectionOperations(this.client, '/_tenantry/workspaces');
  }
}

export interface EmulatorClientOptions extends Omit<PartnerClientOptions, 'credentials'> {
  /** The admin token `serve --emulator` printed (or TENANTRY_EMULATOR_ADMIN_TOKEN). */
  adminToken: string;
}

/**
 * A client of the emulator's control plane.
 *
 * @example
 * const { emulator } = createEmulatorClient({ baseUrl: line.url, adminToken: line.adminToken });
 * const { items } = await emulator.workspaces.list();
 */
export function createEmulatorClient(options: EmulatorClientOptions): { emulator: EmulatorOperations } {
  const { adminToken, ...rest } = options;
  return { emulator: new EmulatorOperations(new PartnerClient({ ...rest, credentials: { token: adminToken } })) };
}
