/**
 * The workspace a request runs in, carried through every await of the request by
 * AsyncLocalStorage (the pattern of @fastify/request-context: `onRequest` enters the store and
 * calls `done` inside it). The emulator's clock and id source read it; product code never does.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { WorkspaceRecord } from '../../domain/emulator/workspace.js';
import type { IdSource } from '../../domain/id-source.js';

export interface WorkspaceScope {
  workspace: WorkspaceRecord;
  /** Seeded workspaces: where this request's new ids come from; otherwise random. */
  ids?: IdSource;
  /** A read request (GET, HEAD): what the consistency lag overlays (lagged-store.ts). */
  read?: boolean;
}

const storage = new AsyncLocalStorage<WorkspaceScope>();

/**
 * The workspace of the running request, if it runs in one.
 *
 * @example
 * const partnerId = currentWorkspace()?.workspace.id;
 */
export const currentWorkspace = (): WorkspaceScope | undefined => storage.getStore();

/**
 * Runs `work` (and everything it awaits) inside a workspace.
 *
 * @example
 * const token = await runInWorkspace({ workspace }, () => tokens.issue({ partnerId: workspace.id, expiresIn: 3600 }));
 */
export const runInWorkspace = <T>(scope: WorkspaceScope, work: () => T): T => storage.run(scope, work);
