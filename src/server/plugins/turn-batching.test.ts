import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import turnBatching from './turn-batching.js';

/** A bare app with the plugin, recording each request's hook before it and after it, and its handler. */
async function recordingApp() {
  const seen: string[] = [];
  const app = Fastify();
  const record = (what: string) => (request: { query: unknown }, _reply: unknown, done: () => void) => {
    seen.push(`${what} ${(request.query as { n: string }).n}`);
    done();
  };
  // Not a fastify-plugin: a hook added before the plugin's runs before the plugin's own.
  app.addHook('onRequest', record('arrived'));
  await app.register(turnBatching);
  app.addHook('onRequest', record('went on'));
  app.get('/', async (request) => {
    const { n } = request.query as { n: string };
    seen.push(`handler ${n}`);
    return { n };
  });
  await app.ready();
  return { app, seen };
}

/** A keep-alive connection that sends raw requests and reads whole responses (bodies are short JSON). */
async function connection(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  let buffered = '';
  const waiting: ((response: string) => void)[] = [];
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const headerEnd = buffered.indexOf('\r\n\r\n');
    const length = /\r\ncontent-length: (\d+)/i.exec(buffered.slice(0, headerEnd));
    if (headerEnd < 0 || !length || buffered.length < headerEnd + 4 + Number(length[1])) return;
    const response = buffered.slice(0, headerEnd + 4 + Number(length[1]));
    buffered = buffered.slice(response.length);
    waiting.shift()!(response);
  });
  return {
    /** Writes the request now (one write on a connected socket) and resolves with the response. */
    send(n: string): Promise<string> {
      const response = new Promise<string>((resolve) => waiting.push(resolve));
      socket.write(`GET /?n=${n} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      return response;
    },
    close: () => socket.destroy(),
  };
}

describe('turn batching', () => {
  it('holds the requests read in one turn until all of them have arrived, then lets each go on and answers it', async () => {
    const { app, seen } = await recordingApp();
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as { port: number }).port;
    const connections = await Promise.all([1, 2, 3].map(() => connection(port)));
    // One request each first, so that the server reads all three sockets.
    await Promise.all(connections.map((c, i) => c.send(`warm${i}`)));
    seen.length = 0;
    // Three requests written in one turn of this process: the server reads them in one turn of its own.
    const answers = await Promise.all(connections.map((c, i) => c.send(String(i + 1))));
    for (const [i, answer] of answers.entries()) assert.match(answer, new RegExp(`^HTTP/1\\.1 200[\\s\\S]*\\{"n":"${i + 1}"\\}$`));
    // Without the batch, request 1 would reach its handler before request 2 arrived.
    assert.deepEqual(seen, ['arrived 1', 'arrived 2', 'arrived 3', 'went on 1', 'handler 1', 'went on 2', 'handler 2', 'went on 3', 'handler 3']);
    for (const c of connections) c.close();
    await app.close();
  });

  it('answers a request that arrives alone', async () => {
    const { app, seen } = await recordingApp();
    const answer = await app.inject({ method: 'GET', url: '/?n=7' });
    assert.equal(answer.statusCode, 200);
    assert.deepEqual(seen, ['arrived 7', 'went on 7', 'handler 7']);
    await app.close();
  });
});
