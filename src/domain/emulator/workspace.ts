/**
 * A workspace of the emulator (issue 11): an isolated partner with its own data and clock. Its id
 * is its partner tenant id, so isolation between workspaces is the product's partner isolation.
 */
import type { WorkspaceClockState } from './workspace-clock.js';

/** One row of the `workspaces` table. */
export interface WorkspaceRecord {
  /** Lower-case GUID: the workspace's partner tenant id. */
  id: string;
  name: string;
  /** Makes the ids of everything created in the workspace repeatable. */
  seed?: string;
  /** The fixture (JSON text) a reset brings the workspace back to. */
  fixture?: string;
  clock: WorkspaceClockState;
  /** Write requests served so far in a seeded workspace: the next one draws its ids from this number. */
  idCounter: number;
  /** Bumped on every change of the clock (not on counter draws), so a cache can tell a stale copy. */
  generation: number;
  /** JSON object of later settings (lag, journal size…). */
  settings: string;
  createdAt: string;
}

/** The stream of ids the n-th write request of a seeded workspace draws from. */
export const requestIdStream = (n: number) => `request-${n}`;
