/**
 * Faults of the emulator's control plane (Tenantry's own codes, in Partner Center's ApiFault shape).
 */
import { Fault } from '../fault.js';

/**
 * The emulator's own fault codes, 6001xx, one per meaning: 600101 no such workspace, 600102
 * workspace exists, 600103 no fixture loader, 600104 no such snapshot, 600105 bad snapshot name,
 * 600106 no such journal entry, 600107 journal off, 600108 wrong fixture, 600109 fixture clashes
 * with another workspace's customer.
 */
export const emulatorFaults = {
  /** 404 / 600101: no workspace has this id. */
  workspaceNotFound: (id: string) => new Fault(404, 600101, `There is no workspace ${id.slice(0, 64)}.`, [id.slice(0, 64)]),
  /** 409 / 600102: a workspace with this id (or seed, from which the id derives) exists. */
  workspaceExists: (id: string) => new Fault(409, 600102, `A workspace with id ${id} exists already (a seed gives the same workspace id every time: delete that workspace or pick another seed).`, [id]),
  /** 400 / 3000: a clock value or duration that cannot be used, naming the property. */
  invalidClockValue: (property: string, reason: string) => new Fault(400, 3000, `Invalid property ${property}: ${reason}`, [property]),
  /** 400 / 600103: this server cannot load fixtures. */
  fixturesUnsupported: () => new Fault(400, 600103, 'fixture: this server does not load fixtures.', ['fixture']),
  /** 404 / 600104: the workspace has no snapshot of this name. */
  snapshotNotFound: (name: string) => new Fault(404, 600104, `The workspace has no snapshot named ${JSON.stringify(name.slice(0, 100))}.`, [name.slice(0, 100)]),
  /** 400 / 600105: a snapshot name that is not 1–100 characters of letters, digits, '.', '_' and '-'. */
  invalidSnapshotName: (name: string) =>
    new Fault(400, 600105, "name: a snapshot name is 1 to 100 characters of letters, digits, '.', '_' and '-'.", [String(name).slice(0, 100)]),
};
