/**
 * One emulator workspace seen from a test: an SDK client signed in as its AdminAgent, and the
 * control-plane calls that concern it (reset, snapshots, clock, tokens, export, delete).
 */
import { createPartnerOperations, type PartnerOperations } from '@tenantry/sdk';
import type { AgentRole, ClockState, EmulatorControl, Fixture, IssuedToken, SnapshotInfo, WorkspaceInfo } from './control-plane.js';

/** The workspace clock, moved through the control plane. Every call answers the clock afterwards. */
export interface WorkspaceClock {
  now(): Promise<ClockState>;
  /** Jumps forward by an ISO-8601 duration, e.g. `'P31D'` or `'PT61S'`. */
  advance(duration: string): Promise<ClockState>;
  /** Jumps to an instant, e.g. `'2027-01-01T00:00:00Z'`. */
  set(instant: string): Promise<ClockState>;
  /** Stops the clock where it is (until `unfreeze`, `reset`, or a restart). */
  freeze(): Promise<ClockState>;
  unfreeze(): Promise<ClockState>;
}

export interface TenantryWorkspace {
  /** The workspace id, which is also its partner tenant id. */
  readonly id: string;
  readonly partnerId: string;
  /** Tokens without expiry, one per agent role. */
  readonly tokens: Record<AgentRole, string>;
  /** An SDK client signed in with the workspace's AdminAgent token. */
  readonly client: PartnerOperations;
  /** An SDK client signed in as another agent role of this workspace. */
  clientAs(role: AgentRole): PartnerOperations;
  /** Back to the workspace's fixture (or empty), clock back to real time. */
  reset(): Promise<WorkspaceInfo>;
  snapshot(name: string): Promise<SnapshotInfo>;
  /** Undoes every write since `snapshot(name)`: users, seats, audit records, throttle counters. */
  restore(name: string): Promise<void>;
  readonly clock: WorkspaceClock;
  /** Another token, e.g. `{ roles: ['HelpdeskAgent'], expiresIn: 'PT1H' }` (expires on the workspace clock). */
  issueToken(options?: { roles?: string[]; expiresIn?: string }): Promise<IssuedToken>;
  /** The workspace's current state as a fixture. */
  export(): Promise<Fixture>;
  /** Removes the workspace and everything it owns. */
  delete(): Promise<void>;
}

/**
 * Binds a workspace to a server: what `startTenantry` and `newWorkspace` return.
 *
 * @example
 * const ws = workspaceHandle(url, control, await control.createWorkspace({ seed: 'a' }));
 * await ws.clock.advance('P31D');
 */
export function workspaceHandle(url: string, control: EmulatorControl, info: WorkspaceInfo): TenantryWorkspace {
  const id = info.id;
  const clientAs = (role: AgentRole) => createPartnerOperations({ baseUrl: url, credentials: { token: info.tokens[role] } });
  return {
    id,
    partnerId: info.partnerId ?? id,
    tokens: info.tokens,
    client: clientAs('AdminAgent'),
    clientAs,
    reset: () => control.resetWorkspace(id),
    snapshot: (name) => control.createSnapshot(id, name),
    restore: (name) => control.restoreSnapshot(id, name),
    clock: {
      now: () => control.clock(id),
      advance: (duration) => control.clock(id, { advance: duration }),
      set: (instant) => control.clock(id, { set: instant }),
      freeze: () => control.clock(id, { freeze: true }),
      unfreeze: () => control.clock(id, { freeze: false }),
    },
    issueToken: (options = {}) => control.issueToken(id, options),
    export: () => control.exportWorkspace(id),
    delete: () => control.deleteWorkspace(id),
  };
}
