/**
 * The emulator's control plane (issue 11): workspaces, their clock and their tokens. One source
 * for request validation, the OpenAPI document (tag Emulator) and the SDK's types.
 */
import { Type, type Static } from '@sinclair/typebox';

export const AgentRole = Type.Union([Type.Literal('AdminAgent'), Type.Literal('HelpdeskAgent'), Type.Literal('SalesAgent')]);

export const WorkspaceClock = Type.Object(
  {
    now: Type.String({ description: "The workspace's current time (UTC ISO-8601)" }),
    frozen: Type.Boolean({ description: 'True while the clock stands still' }),
  },
  { $id: 'WorkspaceClock' },
);
export type WorkspaceClock = Static<typeof WorkspaceClock>;

export const WorkspaceTokens = Type.Object(
  {
    AdminAgent: Type.String(),
    HelpdeskAgent: Type.String(),
    SalesAgent: Type.String(),
  },
  { $id: 'WorkspaceTokens', description: 'Bearer tokens of the workspace partner, one per agent role, without expiry: valid across clock moves' },
);

export const Workspace = Type.Object(
  {
    id: Type.String({ description: 'Workspace id: the partner tenant id (GUID)' }),
    partnerId: Type.String({ description: 'The partner tenant id the workspace is (same as id)' }),
    name: Type.String(),
    seed: Type.Optional(Type.String({ description: 'Ids of everything created in the workspace derive from it' })),
    createdAt: Type.String(),
    clock: WorkspaceClock,
    tokens: WorkspaceTokens,
  },
  { $id: 'Workspace' },
);
export type Workspace = Static<typeof Workspace>;

export const WorkspaceList = Type.Object({ totalCount: Type.Integer(), items: Type.Array(Workspace) }, { $id: 'WorkspaceList' });
export type WorkspaceList = Static<typeof WorkspaceList>;

export const WorkspaceCreate = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    seed: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Same seed, same ids: the workspace id and the ids of what its requests create' })),
    fixture: Type.Optional(Type.Unknown({ description: 'A fixture (see the Fixture schema) loaded into the workspace, and what a reset brings it back to' })),
  },
  { $id: 'WorkspaceCreate', additionalProperties: false },
);
export type WorkspaceCreate = Static<typeof WorkspaceCreate>;

export const ClockChange = Type.Object(
  {
    advance: Type.Optional(Type.String({ maxLength: 64, description: 'ISO-8601 duration to move the clock by, e.g. P30D, PT61S, -P1D' })),
    set: Type.Optional(Type.String({ maxLength: 64, description: 'UTC instant to set the clock to, e.g. 2027-01-01T00:00:00Z' })),
    freeze: Type.Optional(Type.Boolean({ description: 'true stops the clock at its current time; false lets it run on from there' })),
  },
  { $id: 'ClockChange', additionalProperties: false, description: 'Exactly one of advance, set or freeze' },
);
export type ClockChange = Static<typeof ClockChange>;

export const TokenRequest = Type.Object(
  {
    roles: Type.Optional(Type.Array(AgentRole, { maxItems: 3 })),
    expiresIn: Type.Optional(Type.String({ maxLength: 64, description: 'ISO-8601 duration; the token expires on the workspace clock. Without it the token never expires' })),
    appOnly: Type.Optional(Type.Boolean({ description: 'An application token (refused on user routes, as in Partner Center)' })),
  },
  { $id: 'TokenRequest', additionalProperties: false },
);
export type TokenRequest = Static<typeof TokenRequest>;

export const IssuedToken = Type.Object(
  { token: Type.String(), expiresOn: Type.Optional(Type.String({ description: 'Workspace time at which it expires' })) },
  { $id: 'IssuedToken' },
);
export type IssuedToken = Static<typeof IssuedToken>;

export const WorkspaceParams = Type.Object({ id: Type.String({ description: 'Workspace id (GUID)', maxLength: 64 }) });
