/**
 * Serves the web UI's production build (`npm run build:web` → dist/web). Hashed files under
 * /assets/ are cached for a year (their names change with their content); index.html is always
 * revalidated so a new release is picked up at once. UI paths fall back to index.html for
 * client-side routing, while /v1 and every other unknown path keep the gateway 404 body.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build:web` writes the UI: dist/web at the package root (from src/server/routes or dist/server/routes). */
export const defaultWebRoot = fileURLToPath(new URL('../../../dist/web', import.meta.url));

/** Client-side routes of the UI; anything else that is not a file stays a 404. */
const uiPaths = ['/', '/signin', '/customers', '/customers/*'];

// Security headers (CSP for pages, nosniff…) come from the security-headers plugin, for every response.
function sendIndex(reply: FastifyReply, html: string) {
  return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
}

/**
 * Registers the UI routes. Without a build it serves a one-line hint at `/` instead.
 *
 * @example
 * await app.register(webUiRoutes, { root: 'dist/web' });
 */
export default async function webUiRoutes(app: FastifyInstance, options: { root?: string; extraPaths?: readonly string[] }) {
  const root = options.root ?? defaultWebRoot;
  const indexFile = join(root, 'index.html');
  if (!existsSync(indexFile)) {
    app.get('/', { schema: { hide: true } }, async (_req, reply) =>
      reply.type('text/plain; charset=utf-8').send('The web UI is not built. Run `npm run build:web`, then restart the server.\n'),
    );
    return;
  }
  const html = readFileSync(indexFile, 'utf8');

  if (existsSync(join(root, 'assets'))) {
    await app.register(fastifyStatic, {
      root: join(root, 'assets'),
      prefix: '/assets/',
      decorateReply: false,
      index: false,
      // Vite puts a content hash in every file name here, so a file never changes under its name.
      maxAge: 365 * 24 * 3600 * 1000,
      immutable: true,
      schemaHide: true,
    });
  }

  // Files Vite copies from web/public (favicon…) keep their names: cache them briefly.
  for (const name of readdirSync(root)) {
    if (name === 'index.html' || name === 'assets') continue;
    const file = readFileSync(join(root, name));
    const type = name.endsWith('.svg') ? 'image/svg+xml' : name.endsWith('.png') ? 'image/png' : name.endsWith('.ico') ? 'image/x-icon' : 'application/octet-stream';
    app.get(`/${name}`, { schema: { hide: true } }, async (_req, reply) => reply.header('cache-control', 'public, max-age=3600').type(type).send(file));
  }

  for (const path of [...uiPaths, ...(options.extraPaths ?? [])]) {
    app.get(path, { schema: { hide: true } }, async (_req, reply) => sendIndex(reply, html));
  }
}
