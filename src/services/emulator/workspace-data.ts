/**
 * What the workspace service asks of a workspace's data: wipe it, and load a fixture into it.
 * Create (with a fixture), reset and delete go through this port only, so the fixture loader
 * (and a snapshot store) plug in here without the workspace service changing.
 */
import { emulatorFaults } from '../../domain/emulator/faults.js';
import type { Fixture } from '../../schemas/emulator/fixture.js';
import type { Store } from '../../store/store.js';

export interface WorkspaceDataPort {
  /**
   * Checks a fixture whole before anything is written; throws a 400 ApiFault naming every problem.
   * Called before a workspace row is created, so a wrong fixture leaves nothing behind.
   */
  validate(fixture: unknown): Promise<void>;
  /** Removes every row the partner owns. */
  deleteAll(partnerId: string): Promise<void>;
  /** Loads a (validated) fixture into the partner's empty data; `seed` is the workspace's seed. */
  load(partnerId: string, fixture: unknown, seed: string | undefined): Promise<void>;
  /** The partner's data as a fixture (that loads back into identical answers), when the port can tell. */
  export?(partnerId: string): Promise<Fixture>;
}

/**
 * The port without fixtures: deletion through the store; any fixture is refused with a 400.
 *
 * @example
 * const data = new StoreWorkspaceData(store);
 * await data.deleteAll(partnerId);
 */
export class StoreWorkspaceData implements WorkspaceDataPort {
  constructor(private readonly store: Store) {}

  async validate(fixture: unknown): Promise<void> {
    if (fixture !== undefined) throw emulatorFaults.fixturesUnsupported();
  }

  async deleteAll(partnerId: string): Promise<void> {
    await this.store.deletePartnerData(partnerId);
  }

  async load(_partnerId: string, fixture: unknown): Promise<void> {
    if (fixture !== undefined) throw emulatorFaults.fixturesUnsupported();
  }
}
