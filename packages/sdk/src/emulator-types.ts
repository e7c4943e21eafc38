/**
 * Types of the emulator's control plane (`/_tenantry`), from the server's TypeBox schemas.
 */
import type { Static } from '@sinclair/typebox';
import type * as emulator from '../../../src/schemas/emulator/workspace.js';
import type * as consistency from '../../../src/schemas/emulator/consistency.js';
import type * as journal from '../../../src/schemas/emulator/journal.js';
import type * as snapshot from '../../../src/schemas/emulator/snapshot.js';
import type * as faults from '../../../src/schemas/emulator/fault-rule.js';
import type * as fixture from '../../../src/schemas/emulator/fixture.js';

/** A workspace: an isolated partner with its own data, clock and tokens. */
export type Workspace = Static<typeof emulator.Workspace>;
export type WorkspaceList = Static<typeof emulator.WorkspaceList>;
export type WorkspaceCreate = Static<typeof emulator.WorkspaceCreate>;
/** `{ now, frozen }`. */
export type WorkspaceClock = Static<typeof emulator.WorkspaceClock>;
export type ClockChange = Static<typeof emulator.ClockChange>;
export type TokenRequest = Static<typeof emulator.TokenRequest>;
export type IssuedToken = Static<typeof emulator.IssuedToken>;
/** A workspace's consistency lag: `{}` (immediate), `{ after: 'PT30S' }` or `{ afterReads: 3 }`. */
export type Consistency = Static<typeof consistency.Consistency>;
/** One recorded request of a workspace (secrets replaced). */
export type JournalEntry = Static<typeof journal.JournalEntry>;
/** A page of the journal, newest first, with `links.next` while more follow. */
export type JournalPage = Static<typeof journal.JournalPage>;
/** The client checks a workspace's journal holds. */
export type ClientReport = Static<typeof journal.ClientReport>;
/** Filters of `requests.list`. */
export interface JournalFilter {
  requestId?: string;
  correlationId?: string;
  status?: number;
  /** Operation name, e.g. users.list. */
  route?: string;
  /** Workspace time: only entries at or after it. */
  since?: string | Date;
  size?: number;
}
/** A named copy of a workspace's state: `{ name, createdAt }`. */
export type Snapshot = Static<typeof snapshot.Snapshot>;
export type SnapshotList = Static<typeof snapshot.SnapshotList>;
/** A fault rule as added: `{ match?, effect, times? }`. */
export type FaultRuleInput = Static<typeof faults.FaultRuleInput>;
/** A fault rule with its counters `matched` and `fired`. */
export type FaultRule = Static<typeof faults.FaultRule>;
export type FaultRuleList = Static<typeof faults.FaultRuleList>;
/** A workspace's data as one JSON document: customers, users (deleted ones too), seats, licences, role members. */
export type Fixture = Static<typeof fixture.Fixture>;
export type FixtureCustomer = Static<typeof fixture.FixtureCustomer>;
export type FixtureUser = Static<typeof fixture.FixtureUser>;
