/**
 * The emulator's Clock and IdSource: the current request's workspace decides. Outside a
 * workspace (public routes, partners that are not workspaces, the sweeper) they are real time and
 * random ids, exactly as in production.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../domain/clock.js';
import { workspaceNow } from '../../domain/emulator/workspace-clock.js';
import type { IdSource } from '../../domain/id-source.js';
import { currentWorkspace } from './request-context.js';

/** Real time shifted (or frozen) by the current workspace's clock. */
export const workspaceClock: Clock = {
  now: () => {
    const scope = currentWorkspace();
    return scope ? workspaceNow(scope.workspace.clock, Date.now()) : new Date();
  },
};

/** The current request's seeded stream in a seeded workspace; random GUIDs otherwise. */
export const workspaceIds: IdSource = {
  newId: () => currentWorkspace()?.ids?.newId() ?? randomUUID(),
};
