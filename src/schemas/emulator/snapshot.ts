/**
 * Workspace snapshots (issue 11): named copies of a workspace's state that a restore goes back to.
 * One source for validation, the OpenAPI document (tag Emulator) and the SDK's types.
 */
import { Type, type Static } from '@sinclair/typebox';

const SnapshotName = Type.String({
  minLength: 1,
  maxLength: 100,
  // Not '.' or '..': in a URL those are path steps, so DELETE …/snapshots/.. would reach …/workspaces/{id}/, the workspace itself.
  pattern: '^(?!\\.{1,2}$)[A-Za-z0-9._-]+$',
  description: "1 to 100 letters, digits, '.', '_' or '-'; not '.' or '..'",
});

export const SnapshotCreate = Type.Object(
  { name: SnapshotName },
  { $id: 'SnapshotCreate', additionalProperties: false, description: 'Takes a snapshot of this name, replacing one of the same name' },
);
export type SnapshotCreate = Static<typeof SnapshotCreate>;

export const Snapshot = Type.Object(
  {
    name: Type.String(),
    createdAt: Type.String({ description: 'When it was taken, on the workspace clock (UTC ISO-8601)' }),
  },
  { $id: 'Snapshot' },
);
export type Snapshot = Static<typeof Snapshot>;

export const SnapshotList = Type.Object({ totalCount: Type.Integer(), items: Type.Array(Snapshot) }, { $id: 'SnapshotList' });
export type SnapshotList = Static<typeof SnapshotList>;

export const SnapshotParams = Type.Object({
  id: Type.String({ description: 'Workspace id (GUID)', maxLength: 64 }),
  name: SnapshotName,
});
