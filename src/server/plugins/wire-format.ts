/**
 * Partner Center's wire conventions, applied to every route: case-insensitive query names and
 * body properties (the .NET SDK sends PascalCase with nulls for "unset"), tolerant JSON parsing,
 * the MS-* response headers, and the optional UTF-8 BOM.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import querystring from 'node:querystring';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { faults } from '../../domain/fault.js';
import { exceedsJsonDepth } from '../../domain/json-depth.js';
import type { ServerConfig } from '../config.js';

const queryNames = ['size', 'filter', 'sortField', 'sortDirection', 'seekOperation', 'continuationToken', 'offset', 'licenseGroupIds', 'startDate', 'endDate'];
const canonicalQueryName = new Map(queryNames.map((n) => [n.toLowerCase(), n]));

/**
 * Parses a query string, binding known parameter names case-insensitively (`SortField` and
 * `sortfield` both mean `sortField`). `+` decodes to a space, as .NET's UrlEncode writes it.
 */
export function parseQuery(text: string): Record<string, string | string[]> {
  const parsed = querystring.parse(text);
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of Object.entries(parsed)) {
    if (value === undefined) continue;
    const key = canonicalQueryName.get(name.toLowerCase()) ?? name;
    const existing = out[key];
    out[key] = existing === undefined ? value : ([] as string[]).concat(existing, value);
  }
  return out;
}

type JsonSchema = { type?: string; properties?: Record<string, JsonSchema>; items?: JsonSchema; additionalProperties?: unknown };
const propertyMaps = new WeakMap<object, Map<string, string>>();

function propertyMap(schema: JsonSchema): Map<string, string> {
  let map = propertyMaps.get(schema);
  if (!map) {
    map = new Map(Object.keys(schema.properties ?? {}).map((k) => [k.toLowerCase(), k]));
    propertyMaps.set(schema, map);
  }
  return map;
}

/**
 * Binds a parsed JSON body to a schema's property names case-insensitively and drops nulls
 * ("not provided"), recursively.
 *
 * @example
 * bindToSchema({ DisplayName: 'A', Id: null }, CustomerUserCreate); // { displayName: 'A' }
 */
export function bindToSchema(value: unknown, schema: JsonSchema | undefined): unknown {
  if (value === null) return undefined;
  if (Array.isArray(value)) return value.map((v) => bindToSchema(v, schema?.items)).filter((v) => v !== undefined);
  if (typeof value !== 'object' || !schema?.properties) return value;
  const names = propertyMap(schema);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const name = names.get(key.toLowerCase()) ?? key;
    // Own properties only: a body key such as `toString` must not find Object.prototype's member.
    const bound = bindToSchema(v, Object.hasOwn(schema.properties, name) ? schema.properties[name] : undefined);
    if (bound !== undefined) out[name] = bound;
  }
  return out;
}

// Correlation vector: 16 base64 characters and a counter, the form Partner Center sends. The
// random bytes come from a pool refilled every 256 responses: one randomBytes call per response
// showed in the list profile, and these ids need uniqueness, not secrecy.
const correlationPoolSize = 12 * 256;
let correlationPool = Buffer.alloc(0);
let correlationOffset = 0;
const newCorrelationVector = () => {
  if (correlationOffset + 12 > correlationPool.length) {
    correlationPool = randomBytes(correlationPoolSize);
    correlationOffset = 0;
  }
  const vector = correlationPool.toString('base64', correlationOffset, correlationOffset + 12);
  correlationOffset += 12;
  return `${vector}.0`;
};

const headerValue = (request: FastifyRequest, name: string) => {
  const v = request.headers[name];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
};

async function wireFormat(app: FastifyInstance, { config }: { config: ServerConfig }) {
  // The SDK sends DELETE with Content-Length: 0 and sometimes a JSON content type: an empty body is no body.
  const parseJson = (_req: FastifyRequest, body: string, done: (err: Error | null, value?: unknown) => void) => {
    const text = body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
    if (text.trim() === '') return done(null, undefined);
    // Refused before parsing: the reviver and schema binding below recurse once per level.
    if (exceedsJsonDepth(text, config.jsonDepthLimit)) return done(faults.invalidInput(`The body nests deeper than ${config.jsonDepthLimit} levels`));
    try {
      done(null, JSON.parse(text, (key, value) => {
        // Prototype keys never become properties: refuse them rather than silently dropping data.
        if (key === '__proto__' || key === 'constructor' && typeof value === 'object') throw faults.invalidInput('The body has a forbidden property name', [key]);
        // NUL cannot be stored in a PostgreSQL text column and has no use in any property here.
        if (key.includes('\0') || (typeof value === 'string' && value.includes('\0'))) throw faults.invalidInput('The body contains a NUL character');
        return value;
      }));
    } catch (e) {
      done(e instanceof Error && e.name === 'Fault' ? e : faults.invalidInput('The body is not valid JSON'));
    }
  };
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(['application/json', 'text/json'], { parseAs: 'string' }, parseJson);
  app.addContentTypeParser(/^application\/[a-z.+-]*json$/, { parseAs: 'string' }, parseJson);

  // Callback hooks, not async ones: these run on every request (see app.ts).
  app.addHook('onRequest', (request, reply, done) => {
    const requestId = headerValue(request, 'ms-requestid');
    const correlationId = headerValue(request, 'ms-correlationid');
    const cv = headerValue(request, 'ms-cv');
    reply.header('MS-RequestId', requestId && requestId.length <= 128 ? requestId : randomUUID());
    reply.header('MS-CorrelationId', correlationId && correlationId.length <= 128 ? correlationId : randomUUID());
    reply.header('MS-CV', cv && cv.length <= 128 ? `${cv}.1` : newCorrelationVector());
    reply.header('MS-ServerId', config.serverId);
    done(requestId && requestId.length > 128 ? faults.invalidInput('MS-RequestId is longer than 128 characters', ['MS-RequestId']) : undefined);
  });

  // NUL, raw or as a JSON escape inside a filter, cannot reach a PostgreSQL text parameter.
  app.addHook('preValidation', (request, _reply, done) => {
    for (const [name, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
      for (const v of Array.isArray(value) ? value : [value]) {
        if (typeof v === 'string' && (v.includes('\0') || /\\u0000/i.test(v))) return done(faults.invalidInput(`${name} contains a NUL character`, [name]));
      }
    }
    done();
  });

  app.addHook('preValidation', (request, _reply, done) => {
    const schema = request.routeOptions.schema?.body as JsonSchema | undefined;
    try {
      if (schema && request.body !== undefined) request.body = bindToSchema(request.body, schema);
      if (schema && request.body === undefined) request.body = {};
    } catch (e) {
      return done(e as Error);
    }
    done();
  });

  if (config.bom) {
    const utf8Bom = Buffer.from([0xef, 0xbb, 0xbf]);
    app.addHook('onSend', async (_request, reply, payload) => {
      const type = String(reply.getHeader('content-type') ?? '');
      if (!type.startsWith('application/json')) return payload;
      if (typeof payload === 'string') return `\uFEFF${payload}`;
      return Buffer.isBuffer(payload) ? Buffer.concat([utf8Bom, payload]) : payload;
    });
  }
}

export default fp(wireFormat, { name: 'wire-format' });
