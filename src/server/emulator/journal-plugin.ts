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
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../domain/clock.js';
import { ClientCheckMemory, nextOfListAnswer, type PollingThreshold } from '../../domain/emulator/client-checks.js';
import { journalBodyCap, redactJson } from '../../domain/emulator/journal-redaction.js';
import { JournalService } from '../../services/emulator/journal-service.js';
import type { Store } from '../../store/store.js';
import { currentWorkspace } from './request-context.js';

/** What the journal collects about one request while it runs. */
interface JournalState {
  partnerId: string;
  /** Workspace time when the request arrived. */
  at: Date;
  requestBody?: unknown;
  /** The body as JSON text, for the MS-RequestId reuse check (writes only). */
  bodyText?: string;
  responseText?: string;
  responseLength: number;
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
// Enough past the cap to redact a secret the cut would split.
const keptText = journalBodyCap + 1024;

async function journalPlugin(app: FastifyInstance, opts: JournalPluginOptions) {
  const secret = Buffer.from(await opts.store.getOrSetSetting('journal_paging_secret', randomBytes(32).toString('base64')), 'base64');
  const journal = new JournalService(opts.store, { size: opts.size, secret, flushMs: opts.flushMs, onError: (err) => app.log.warn({ err }, 'journal flush failed; the batch is dropped') });
  const memory = new ClientCheckMemory(opts.polling);
  app.decorate('emulatorJournal', journal);
  app.decorateRequest('journalState', null);
  app.addHook('onClose', async () => journal.close());

  // After the emulator's own onRequest hook, which entered the workspace (if any).
  app.addHook('onRequest', (request, _reply, done) => {
    const scope = currentWorkspace();
    if (scope) request.journalState = { partnerId: scope.workspace.id, at: opts.clock.now(), responseLength: 0, checks: [] };
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
    let head: string | undefined;
    let tail = '';
    if (typeof payload === 'string') {
      state.responseLength = payload.length;
      head = payload.length > keptText ? payload.slice(0, keptText) : payload;
      tail = payload.slice(-4096);
    } else if (Buffer.isBuffer(payload)) {
      state.responseLength = payload.length;
      head = payload.subarray(0, keptText).toString('utf8');
      tail = payload.subarray(Math.max(0, payload.length - 4096)).toString('utf8');
    }
    if (head !== undefined) state.responseText = head.replace(/^\uFEFF/, '');
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
      if (reply.statusCode === 200 && operation.endsWith('.list') && head !== undefined) {
        const next = nextOfListAnswer(head.slice(0, 8192), tail);
        if (next) memory.answered(next);
      }
    }
    done(null, payload);
  });

  // A request that never got an answer (a `drop` fault, or the client went away) has no onResponse:
  // it is recorded with status 0, as a HAR records an aborted request.
  app.addHook('onRequestAbort', (request, done) => {
    const state = request.journalState;
    if (state) {
      request.journalState = null;
      journal.record({
        partnerId: state.partnerId,
        time: state.at.toISOString(),
        method: request.method,
        url: request.url,
        operation: request.routeOptions.config?.operationId ?? null,
        requestHeaders: request.headers,
        requestBody: state.requestBody,
        status: 0,
        responseHeaders: {},
        responseText: undefined,
        responseLength: 0,
        durationMs: 0,
        faultRuleId: request.emulator?.faultRuleId,
        checks: [...(request.emulator?.checks ?? []), ...state.checks],
      });
    }
    done();
  });

  app.addHook('onResponse', (request, reply, done) => {
    const state = request.journalState;
    if (state) {
      journal.record({
        partnerId: state.partnerId,
        time: state.at.toISOString(),
        method: request.method,
        url: request.url,
        operation: request.routeOptions.config?.operationId ?? null,
        requestHeaders: request.headers,
        requestBody: state.requestBody,
        status: reply.statusCode,
        responseHeaders: reply.getHeaders(),
        responseText: state.responseText,
        responseLength: state.responseLength,
        durationMs: reply.elapsedTime,
        faultRuleId: request.emulator?.faultRuleId,
        checks: [...(request.emulator?.checks ?? []), ...state.checks],
      });
    }
    done();
  });
}

export default fp(journalPlugin, { name: 'emulator-journal' });
