/**
 * The first hook of every request: it waits for the end of the event-loop turn that read it
 * ({@link TurnBatch}), so the requests read in one turn go through the rest of the server
 * together, stage by stage, and each stage runs while its code is still warm from the request
 * before.
 *
 * Measured on a 1 M-user SQLite file at 50 connections (bench/NOTES.md, twenty-sixth session): a
 * 100-user page 170 → 105 µs of server CPU, a 1-user page 105 → 62 µs, `/healthz` 50 → 35 µs.
 * With one connection a turn holds one request, which only takes one more pass of the event loop
 * (up to ~5 % dearer). On PostgreSQL requests wait for the database between stages; the answers
 * of a turn are handed over together there (store/turn-batched-results.ts).
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { TurnBatch } from '../../domain/turn-batch.js';

async function turnBatching(app: FastifyInstance) {
  const turn = new TurnBatch();
  // A callback hook: `done` itself is what the turn runs, so waiting costs no closure or promise.
  app.addHook('onRequest', (_request, _reply, done) => turn.defer(done));
}

export default fp(turnBatching, { name: 'turn-batching' });
