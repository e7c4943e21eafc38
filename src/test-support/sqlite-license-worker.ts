/**
 * A worker thread that assigns one licence through its own SQLite connection, after waiting at a
 * shared start line so that every worker contends for the database at once.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';

const { path, customerId, userId, skuId, start } = workerData as { path: string; customerId: string; userId: string; skuId: string; start: SharedArrayBuffer };
const store = new SqliteStore(path);
const gate = new Int32Array(start);
Atomics.wait(gate, 0, 0);
const outcome = await store.applyLicenseUpdate(customerId, userId, { assign: [{ skuId, excludedPlans: [] }], remove: [] }, new Date().toISOString());
await store.close();
parentPort!.postMessage(outcome.kind);
