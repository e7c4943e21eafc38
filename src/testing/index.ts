/**
 * `tenantry/testing`: run integration tests against a local Partner Center. `startTenantry()`
 * starts an emulator in its own process and answers an SDK client already signed in, the suite's
 * workspace, snapshots, the workspace clock and `stop()`.
 *
 * @example
 * import { startTenantry } from 'tenantry/testing';
 * const tenantry = await startTenantry({ seed: 'my-suite' });
 * const customers = await tenantry.client.customers.get();
 * await tenantry.snapshot('clean');
 * await tenantry.clock.advance('P30D');
 * await tenantry.restore('clean');
 * await tenantry.stop();
 */
export { startTenantry, type StartTenantryOptions, type Tenantry } from './start-tenantry.js';
export { type TenantryWorkspace, type WorkspaceClock } from './workspace-handle.js';
export {
  EmulatorControl,
  type AgentRole,
  type ClockChange,
  type ClockState,
  type EmulatorControlOptions,
  type Fixture,
  type IssuedToken,
  type NewWorkspaceOptions,
  type SnapshotInfo,
  type WorkspaceInfo,
} from './control-plane.js';
export { readReadyLine, type ReadyLine } from './ready-line.js';
