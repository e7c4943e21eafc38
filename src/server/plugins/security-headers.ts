/**
 * Browser-facing hardening: security headers on every response (a Content-Security-Policy for
 * the web UI's pages), and CORS only for the origins an operator lists (`--cors-origin`). With
 * no origins configured no CORS header is ever sent, so browsers keep other sites out.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * The policy for HTML pages: the web UI (a Vite build, scripts from files only) and the API
 * reference. Styles allow 'unsafe-inline' because Fluent UI and Swagger UI inject style
 * elements at run time; scripts never run inline.
 */
export const pageContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** JSON and other non-page responses load nothing. */
export const dataContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

const allowedMethods = 'GET, HEAD, POST, PUT, PATCH, DELETE';
const allowedHeaders = 'Authorization, Content-Type, Accept, MS-RequestId, MS-CorrelationId, MS-CV, MS-ContinuationToken, MS-Contract-Version, MS-PartnerCenter-Application, MS-PartnerCenter-Client, MS-SdkVersion, X-Locale';
// Link and MS-ContinuationToken name a collection's next page: the SDK's read-ahead uses them.
const exposedHeaders = 'MS-RequestId, MS-CorrelationId, MS-CV, MS-ServerId, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Location, Link, MS-ContinuationToken, Tenantry-Unrestored-Licenses';

export interface SecurityHeadersOptions {
  /** Origins allowed cross-origin access, e.g. `https://admin.example.com`; `*` allows any. */
  corsOrigins: string[];
  /** Send Strict-Transport-Security: right only when clients reach the server over HTTPS. */
  hsts: boolean;
}

async function securityHeaders(app: FastifyInstance, { corsOrigins, hsts }: SecurityHeadersOptions) {
  const origins = new Set(corsOrigins.map((o) => o.replace(/\/+$/, '').toLowerCase()));
  const allowedOrigin = (origin: unknown) =>
    typeof origin === 'string' && origins.size > 0 && (origins.has('*') || origins.has(origin.toLowerCase())) ? origin : undefined;

  if (origins.size > 0) {
    // Preflights match no route; answer them before routing decides on a 404.
    app.addHook('onRequest', async (request, reply) => {
      if (request.method !== 'OPTIONS' || !request.headers['access-control-request-method']) return;
      const origin = allowedOrigin(request.headers.origin);
      if (!origin) return;
      return reply
        .code(204)
        .header('Access-Control-Allow-Origin', origin)
        .header('Access-Control-Allow-Methods', allowedMethods)
        .header('Access-Control-Allow-Headers', allowedHeaders)
        .header('Access-Control-Max-Age', '600')
        .header('Vary', 'Origin')
        .send();
    });
  }

  // A callback hook: it runs on every answer, and an async one costs a promise each time.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'no-referrer');
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html')) {
      reply.header('Content-Security-Policy', pageContentSecurityPolicy);
      reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    } else if (!reply.hasHeader('Content-Security-Policy')) {
      reply.header('Content-Security-Policy', dataContentSecurityPolicy);
    }
    if (hsts) reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    const origin = allowedOrigin(request.headers.origin);
    if (origin && !reply.hasHeader('Access-Control-Allow-Origin')) {
      reply.header('Access-Control-Allow-Origin', origin);
      reply.header('Access-Control-Expose-Headers', exposedHeaders);
      reply.header('Vary', 'Origin');
    }
    done(null, payload);
  });
}

export default fp(securityHeaders, { name: 'security-headers' });
