/**
 * Graceful stop of an HTTP server without failing a request: stop accepting connections, answer
 * every request that is in flight or still arrives on an open keep-alive connection (with
 * `Connection: close`, so its client opens the next connection elsewhere, e.g. to another worker),
 * close keep-alive connections left idle, and give up on the rest after a bounded time.
 *
 * Why not `http.Server#close` alone: since Node 19 it also drops every idle keep-alive connection
 * at once, and a client that is just sending its next request on one of them gets a reset, a
 * failed request. Idle connections are closed here only after `idleMs` without a request; a client
 * under load has sent its next request by then and learns from the `Connection: close` answer.
 */
import type { Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

interface Connection {
  inFlight: Set<ServerResponse>;
  idleSince: number;
}

export interface DrainOptions {
  /** How long to wait for in-flight requests and open connections before closing them anyway. */
  timeoutMs: number;
  /** How long a keep-alive connection may stay idle during the drain before it is closed. */
  idleMs?: number;
  /**
   * Before the listener closes, how long no new connection must have arrived (at most 1 s): in a
   * cluster the primary may still hold connections it accepted for this worker, and a listener
   * closed under them resets them. Connections that arrive meanwhile are answered as above.
   */
  settleMs?: number;
}

export interface DrainResult {
  /** Connections still open at the deadline, closed by force (their requests, if any, failed). */
  forced: number;
  elapsedMs: number;
}

export interface ConnectionTracker {
  /** Stops accepting and resolves once every connection closed (or the deadline passed). */
  drain(options: DrainOptions): Promise<DrainResult>;
  /** Whether a drain has begun. */
  readonly draining: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Resolves after the event loop's next poll phase. After a stall (a blocked loop, a starved
 * process), expired timers run before the I/O that arrived meanwhile is read: a connection or a
 * request waiting in a socket would look absent. Deciding again after this sees them.
 */
const afterPendingIo = () => new Promise<void>((r) => setImmediate(() => setImmediate(r)));

/**
 * Follows a server's connections and requests from now on, so that it can later be drained.
 * Call before the server accepts its first connection.
 *
 * @example
 * const tracker = trackConnections(app.server);
 * await app.listen({ port: 8080 });
 * process.once('SIGTERM', async () => { await tracker.drain({ timeoutMs: 10_000 }); await app.close(); });
 */
export function trackConnections(server: Server): ConnectionTracker {
  const connections = new Map<Socket, Connection>();
  let draining = false;
  let lastConnectionAt = 0;
  server.on('connection', (socket: Socket) => {
    lastConnectionAt = Date.now();
    connections.set(socket, { inFlight: new Set(), idleSince: Date.now() });
    socket.once('close', () => connections.delete(socket));
  });
  // Before the app's own listener, so the header is set before any answer can be written.
  server.prependListener('request', (request, response) => {
    if (draining) response.setHeader('Connection', 'close');
    const connection = connections.get(request.socket);
    if (!connection) return;
    connection.inFlight.add(response);
    response.once('close', () => {
      connection.inFlight.delete(response);
      connection.idleSince = Date.now();
    });
  });

  return {
    get draining() {
      return draining;
    },
    async drain({ timeoutMs, idleMs = 1000, settleMs = 100 }) {
      const started = Date.now();
      draining = true;
      for (const { inFlight } of connections.values()) for (const response of inFlight) if (!response.headersSent) response.setHeader('Connection', 'close');
      const settled = () => Date.now() - lastConnectionAt >= settleMs;
      while (Date.now() - started < Math.min(1000, timeoutMs)) {
        if (!settled()) await sleep(10);
        else if ((await afterPendingIo(), settled())) break;
      }
      // The listening socket only (see above); in a cluster worker this also tells the primary to
      // hand new connections to the other workers (one already on its way here is handed back if
      // the process reads it: a worker waits for its primary before exiting, see serve-cluster.ts).
      NetServer.prototype.close.call(server, () => {});
      while (connections.size > 0 && Date.now() - started < timeoutMs) {
        const now = Date.now();
        const idle = [...connections].filter(([, { inFlight, idleSince }]) => inFlight.size === 0 && now - idleSince >= idleMs);
        if (idle.length > 0) {
          // A request may be waiting unread in an "idle" socket (see afterPendingIo): destroying it would reset its client.
          await afterPendingIo();
          for (const [socket, connection] of idle) if (connection.inFlight.size === 0 && Date.now() - connection.idleSince >= idleMs) socket.destroy();
        }
        await sleep(25);
      }
      const forced = connections.size;
      for (const socket of connections.keys()) socket.destroy();
      return { forced, elapsedMs: Date.now() - started };
    },
  };
}
