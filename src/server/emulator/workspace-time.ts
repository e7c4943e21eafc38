/**
 * The emulator's Clock and IdSource: the current request's workspace decides. Outside a
 * workspace (public routes, partners that are not workspaces, the sweeper) they are the base
 * clock and ids (real time and random ids, as in production).
 */
import type { Clock } from '../../domain/clock.js';
import { workspaceNow } from '../../domain/emulator/workspace-clock.js';
import type { IdSource } from '../../domain/id-source.js';
import { currentWorkspace } from './request-context.js';

/** The base clock's time shifted (or frozen) by the current workspace's clock. */
export function workspaceClockOver(base: Clock): Clock {
  return {
    now: () => {
      const scope = currentWorkspace();
      return scope ? workspaceNow(scope.workspace.clock, base.now().getTime()) : base.now();
    },
  };
}

/** The current request's seeded stream in a seeded workspace; the base source's ids otherwise. */
export function workspaceIdsOver(base: IdSource): IdSource {
  return { newId: () => currentWorkspace()?.ids?.newId() ?? base.newId() };
}
