// The framework's floor: bare fastify (no plugins, no hooks, no store) answering every request
// with the same precomputed body as the ceiling. The gap between it and the ceiling is what the
// framework alone costs, before Tenantry does any work.
import Fastify from 'fastify';
import { readFileSync } from 'node:fs';

const body = readFileSync(process.argv[2]);
const app = Fastify({ logger: false });
app.get('/*', async (_request, reply) => reply.type('application/json; charset=utf-8').send(body));
await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`listening on http://127.0.0.1:${app.server.address().port}\n`);
process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
