import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { describe, it } from 'node:test';
import { trackConnections } from './graceful-close.js';

/** Holds the event loop (and the process) for `ms`, as a busy SQLite lock or a starved CPU does. */
const blockFor = (ms: number) => {
  const until = Date.now() + ms;
  while (Date.now() < until);
};

async function listeningServer() {
  const server = http.createServer((_request, response) => response.end('ok'));
  const tracker = trackConnections(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { server, tracker, port };
}

/** A raw connection, and everything its client reads until it closes (or the error that ended it). */
function rawClient(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => (received += chunk));
  const ended = new Promise<string>((resolve) => {
    socket.on('error', (e) => resolve(`error: ${e.message}`));
    socket.on('close', () => resolve(received));
  });
  return { socket, ended };
}

/** A raw connection the server has accepted. */
async function connect(server: http.Server, port: number) {
  const accepted = new Promise((resolve) => server.once('connection', resolve));
  const client = rawClient(port);
  await accepted;
  return client;
}

describe('draining a server', () => {
  it('answers a request that waited unread in an idle connection while the event loop was held', async () => {
    const { server, tracker, port } = await listeningServer();
    const { socket, ended } = await connect(server, port);
    const drained = tracker.drain({ timeoutMs: 5000, idleMs: 100, settleMs: 0 });
    // The request reaches the server's socket, then the loop stalls past idleMs: when it runs again
    // the drain's timer comes before the read of the waiting request.
    setImmediate(() => {
      socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      blockFor(300);
    });
    const answer = await ended;
    assert.match(answer, /^HTTP\/1.1 200 OK/, `the client got: ${answer}`);
    assert.match(answer, /connection: close/i);
    assert.equal((await drained).forced, 0);
  });

  it('still closes a connection that stays idle for idleMs', async () => {
    const { server, tracker, port } = await listeningServer();
    const { ended } = await connect(server, port);
    const { forced, elapsedMs } = await tracker.drain({ timeoutMs: 5000, idleMs: 100, settleMs: 0 });
    assert.equal(await ended, '', 'closed without an answer, as nothing was asked');
    assert.equal(forced, 0);
    assert.ok(elapsedMs >= 100 && elapsedMs < 2000, `closed after ${elapsedMs} ms`);
  });

  it('waits for a connection the loop had not read yet before it closes the listener', async () => {
    const { server, tracker, port } = await listeningServer();
    // The client connects, then the loop stalls past settleMs before the server accepted it.
    const { socket, ended } = rawClient(port);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const drained = tracker.drain({ timeoutMs: 5000, idleMs: 100, settleMs: 50 });
    blockFor(200);
    const answer = await ended;
    assert.match(answer, /^HTTP\/1.1 200 OK/, `the client got: ${answer}`);
    assert.equal((await drained).forced, 0);
  });
});
