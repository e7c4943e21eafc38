/**
 * The request journal and client checks (issue 12): every request that runs in a workspace (a
 * /v1 request whose token's partner is a workspace) is recorded, with the checks it tripped.
 * Registered by the emulator plugin only, and only when the journal is on (`serve --journal off`
 * leaves it out, checks included).
 *
 * The hooks only collect references and run the checks (map look-ups); the entry is handed to the
 * JournalService after the response is sent (onResponse), which redacts, serializes and writes
 * in batches off the request path.
 */
import { randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../../domain/clock.js';
import { ClientCheckMemory, nextOfListAnswer, type PollingThreshold } from '../../domain/emulator/client-checks.js';
import { redactJson } from '../../domain/emulator/journal-redaction.js';
import { keptHead, type AnswerHead } from '../../services/emulator/journal-rows.js';
import { JournalService } from '../../services/emulator/journal-service.js';
import type { Store } from '../../store/store.js';

/** What the journal collects about one request while it runs. */
interface JournalState {
  partnerId: string;
  /** Workspace time when the request arrived. */
  at: Date;
  requestBody?: unknown;
  /** The body as JSON text, for the MS-RequestId reuse check (writes only). */
  bodyText?: string;
  /** The head of the answer as sent, copied out of it (decoded and redacted at flush time, off the request path). */
  response?: AnswerHead;
  checks: string[];
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Set in emulator mode while the journal is on. */
    emulatorJournal?: JournalService;
  }
  interface FastifyRequest {
    journalState: JournalState | null;
  }
}

export interface JournalPluginOptions {
  store: Store;
  /** The emulator's clock (answers with the request's workspace time). */
  clock: Clock;
  /** Entries kept per workspace. */
  size: number;
  polling?: PollingThreshold;
  flushMs?: number;
}

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

async function journalPlugin(app: FastifyInstance, opts: JournalPluginOptions) {
  const secret = Buffer.from(await opts.store.getOrSetSetting('journal_paging_secret', randomBytes(32).toString('base64')), 'base64');
  const journal = new JournalService(opts.store, { size: opts.size, secret, flushMs: opts.flushMs, onError: (err) => app.log.warn({ err }, 'journal flush failed; the batch is dropped') });
  const memory = new ClientCheckMemory(opts.polling);
  app.decorate('emulatorJournal', journal);
  app.decorateRequest('journalState', null);
  app.addHook('onClose', async () => journal.close());

  // After the emulator's own onRequest hook, which entered the workspace (if any).
  app.addHook('onRequest', (request, _reply, done) => {
    const workspace = request.workspace;
    if (workspace) request.journalState = { partnerId: workspace.id, at: opts.clock.now(), checks: [] };
    done();
  });

  // The body is parsed by now and not yet changed by validation (which drops unknown properties).
  app.addHook('preValidation', (request, _reply, done) => {
    const state = request.journalState;
    if (state && request.body !== undefined && request.body !== null) {
      state.requestBody = redactJson(request.body);
      if (writeMethods.has(request.method)) state.bodyText = JSON.stringify(request.body);
    } else if (state && writeMethods.has(request.method)) state.bodyText = '';
    done();
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    const state = request.journalState;
    if (!state) return done(null, payload);
    if (typeof payload === 'string' || Buffer.isBuffer(payload)) state.response = keptHead(payload);
    const operation = request.routeOptions.config?.operationId;
    if (operation) {
      const q = request.url.indexOf('?');
      state.checks = memory.inspect({
        partnerId: state.partnerId,
        method: request.method,
        operation,
        path: q < 0 ? request.url : request.url.slice(0, q),
        search: q < 0 ? '' : request.url.slice(q + 1),
        headers: request.headers,
        bodyText: state.bodyText,
        now: state.at.getTime(),
      });
      if (reply.statusCode === 200 && operation.endsWith('.list') && (typeof payload === 'string' || Buffer.isBuffer(payload))) {
        // Only the head (continuation token) and tail (links.next) are read, as latin1: both are ASCII.
        const r = payload;
        const next = typeof r === 'string' ? nextOfListAnswer(r.slice(0, 8192), r.slice(-4096)) : nextOfListAnswer(r.toString('latin1', 0, 8192), r.toString('latin1', Math.max(0, r.length - 4096)));
        if (next) memory.answered(next);
      }
    }
    done(null, payload);
  });

  // A request that never got an answer (a `drop` fault, or the client went away) has no onResponse:
  // it is recorded with status 0, as a HAR records an aborted request.
  /** The journal entry of a request and what it was answered (status 0: no answer at all). */
  const record = (request: FastifyRequest, state: JournalState, answer: { status: number; headers: Parameters<JournalService['record']>[0]['responseHeaders']; response: JournalState['response']; durationMs: number }) =>
    journal.record({
      partnerId: state.partnerId,
      time: state.at.toISOString(),
      method: request.method,
      url: request.url,
      operation: request.routeOptions.config?.operationId ?? null,
      requestHeaders: request.headers,
      requestBody: state.requestBody,
      status: answer.status,
      responseHeaders: answer.headers,
      response: answer.response,
      durationMs: answer.durationMs,
      faultRuleId: request.emulator?.faultRuleId,
      checks: [...(request.emulator?.checks ?? []), ...state.checks],
    });

  // A request that never got an answer (a `drop` fault, or the client went away) has no onResponse:
  // it is recorded with status 0, as a HAR records an aborted request.
  app.addHook('onRequestAbort', (request, done) => {
    const state = request.journalState;
    if (state) {
      request.journalState = null;
      record(request, state, { status: 0, headers: {}, response: undefined, durationMs: 0 });
    }
    done();
  });

  app.addHook('onResponse', (request, reply, done) => {
    const state = request.journalState;
    if (state) {
      request.journalState = null;
      record(request, state, { status: reply.statusCode, headers: reply.getHeaders(), response: state.response, durationMs: reply.elapsedTime });
    }
    done();
  });
}

export default fp(journalPlugin, { name: 'emulator-journal' });
