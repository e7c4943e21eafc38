/**
 * Types of the emulator's control plane (`/_tenantry`), from the server's TypeBox schemas.
 */
import type { Static } from '@sinclair/typebox';
import type * as emulator from '../../../src/schemas/emulator/workspace.js';
import type * as consistency from '../../../src/schemas/emulator/consistency.js';
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
/** A workspace's data as one JSON document: customers, users (deleted ones too), seats, licences, role members. */
export type Fixture = Static<typeof fixture.Fixture>;
export type FixtureCustomer = Static<typeof fixture.FixtureCustomer>;
export type FixtureUser = Static<typeof fixture.FixtureUser>;
