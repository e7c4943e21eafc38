import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import * as jose from 'jose';
import { rotateKeys, describeKeys } from '../cli/commands/key-commands.js';
import { demoCustomerId, demoPartnerId } from '../demo/demo-data.js';
import { startHarness, type Harness, type TestResponse } from '../test-support/harness.js';
import { storeFactories } from '../test-support/stores.js';
import type { Store } from '../store/store.js';
import { defaultAudience, defaultIssuer, TokenService } from './token-service.js';

const usersUrl = `/v1/customers/${demoCustomerId}/users`;
const nowSeconds = () => Math.floor(Date.now() / 1000);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

const expectUnauthorized = (res: TestResponse, reason?: RegExp) => {
  assert.equal(res.status, 401, res.text);
  assert.equal(res.json.code, 400);
  assert.equal(res.json.description, 'Access denied');
  assert.equal(res.json.source, 'PartnerFD');
  assert.match(String(res.headers['www-authenticate']), /^Bearer/);
  if (reason) assert.match(String(res.json.data[0]), reason);
};

/** The server's current private signing key, to forge tokens that differ in one claim only. */
async function serverKey(store: Store) {
  const keys = (await store.listSigningKeys()).filter((k) => !k.retiredAt);
  const k = keys[keys.length - 1];
  return { kid: k.kid, key: (await jose.importJWK(JSON.parse(k.privateJwk), 'ES256')) as CryptoKey, publicJwk: JSON.parse(k.publicJwk) as jose.JWK };
}

const claims = (extra: Record<string, unknown> = {}) => ({ tid: demoPartnerId, roles: ['AdminAgent'], idtyp: 'user', sub: 'tester', ...extra });

async function sign(key: CryptoKey, kid: string, o: { iss?: string; aud?: string; nbf?: number; exp?: number; alg?: string } = {}) {
  return new jose.SignJWT(claims())
    .setProtectedHeader({ alg: o.alg ?? 'ES256', kid, typ: 'JWT' })
    .setIssuer(o.iss ?? defaultIssuer)
    .setAudience(o.aud ?? defaultAudience)
    .setIssuedAt()
    .setNotBefore(o.nbf ?? nowSeconds())
    .setExpirationTime(o.exp ?? nowSeconds() + 600)
    .sign(key);
}

/** Wraps a store to count how often the signing keys are read. */
function countingKeyReads(store: Store): { store: Store; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === 'listSigningKeys') return (...args: []) => { reads++; return (value as Store['listSigningKeys']).apply(target, args); };
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: proxy, reads: () => reads };
}

for (const factory of storeFactories) {
  describe(`bearer tokens on ${factory.name}`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(factory);
    });
    after(async () => h.close());

    it('accepts a token the server signed', async () => {
      assert.equal((await h.request('GET', usersUrl)).status, 200);
    });

    it('refuses an expired token', async () => {
      const { kid, key } = await serverKey(h.store);
      expectUnauthorized(await h.request('GET', usersUrl, { token: await sign(key, kid, { exp: nowSeconds() - 5 }) }), /expired/);
    });

    it('refuses a token that is not valid yet', async () => {
      const { kid, key } = await serverKey(h.store);
      expectUnauthorized(await h.request('GET', usersUrl, { token: await sign(key, kid, { nbf: nowSeconds() + 300 }) }), /nbf/);
    });

    it('refuses a token for another audience', async () => {
      const { kid, key } = await serverKey(h.store);
      expectUnauthorized(await h.request('GET', usersUrl, { token: await sign(key, kid, { aud: 'https://graph.microsoft.com' }) }), /aud/);
    });

    it('refuses a token from an issuer it does not trust, even signed with its own key', async () => {
      const { kid, key } = await serverKey(h.store);
      expectUnauthorized(await h.request('GET', usersUrl, { token: await sign(key, kid, { iss: 'https://evil.example' }) }), /issuer/);
    });

    it('refuses an unsigned token (alg none)', async () => {
      const { kid } = await serverKey(h.store);
      const payload = { ...claims(), iss: defaultIssuer, aud: defaultAudience, iat: nowSeconds(), nbf: nowSeconds(), exp: nowSeconds() + 600 };
      for (const alg of ['none', 'None', 'NONE']) {
        expectUnauthorized(await h.request('GET', usersUrl, { token: `${b64({ alg, kid, typ: 'JWT' })}.${b64(payload)}.` }));
      }
    });

    it('refuses HS256 tokens signed with the public key as the HMAC secret', async () => {
      const { kid, publicJwk } = await serverKey(h.store);
      const publicKey = await jose.importJWK(publicJwk, 'ES256');
      const pem = await jose.exportSPKI(publicKey as CryptoKey);
      for (const secret of [pem, JSON.stringify(publicJwk)]) {
        const token = await new jose.SignJWT(claims())
          .setProtectedHeader({ alg: 'HS256', kid })
          .setIssuer(defaultIssuer)
          .setAudience(defaultAudience)
          .setExpirationTime('10m')
          .sign(new TextEncoder().encode(secret));
        expectUnauthorized(await h.request('GET', usersUrl, { token }));
      }
    });

    it('refuses a token signed by an unknown key, with or without a known kid', async () => {
      const { kid } = await serverKey(h.store);
      const { privateKey } = await jose.generateKeyPair('ES256');
      expectUnauthorized(await h.request('GET', usersUrl, { token: await sign(privateKey, randomUUID()) }), /not known/);
      expectUnauthorized(await h.request('GET', usersUrl, { token: await sign(privateKey, kid) }), /signature/);
    });

    it('refuses edited tokens: a changed claim breaks the signature', async () => {
      const token = await h.token();
      const [header, , signature] = token.split('.');
      const forged = `${header}.${b64({ ...jose.decodeJwt(token), tid: randomUUID() })}.${signature}`;
      expectUnauthorized(await h.request('GET', '/v1/customers', { token: forged }));
    });

  });

  describe(`key rotation on ${factory.name}`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(factory);
    });
    after(async () => h.close());

    it('rolls keys over without downtime: tokens signed before and after the rotation both verify', async () => {
      const before = await h.token();
      // Another process (the CLI) rotates the key in the shared database.
      const rotated = await rotateKeys(h.store, 3600_000);
      const otherProcess = new TokenService(h.store);
      await otherProcess.init();
      const afterRotation = await otherProcess.issue({ partnerId: demoPartnerId });
      assert.equal(jose.decodeProtectedHeader(afterRotation).kid, rotated.kid);
      assert.equal((await h.request('GET', usersUrl, { token: afterRotation })).status, 200, 'the server learns the new key on its first token');
      assert.equal((await h.request('GET', usersUrl, { token: before })).status, 200, 'the old key still verifies during the grace period');
      assert.equal(jose.decodeProtectedHeader(await h.token()).kid, rotated.kid, 'the server now signs with the new key');
      assert.match(describeKeys(await h.store.listSigningKeys()), new RegExp(`${rotated.kid} .* signing`));
      const jwks = (await h.request('GET', '/.well-known/jwks.json', { token: null })).json;
      assert.ok(jwks.keys.some((k: { kid: string }) => k.kid === rotated.kid));
      assert.ok(jwks.keys.length >= 2, 'the retiring key is still published');
    });
  });

  describe(`key retirement and reload rationing on ${factory.name}`, () => {
    let store: Store;
    before(async () => {
      store = await factory.open();
    });
    after(async () => factory.dispose(store));

    it('stops verifying a retired key once its grace period ends, and signs with the new key', async () => {
      let clock = Date.now();
      const tokens = new TokenService(store, defaultIssuer, defaultAudience, [], { now: () => clock });
      await tokens.init();
      const old = await tokens.issue({ partnerId: demoPartnerId, expiresIn: 86_400 });
      const kid = await tokens.rotate({ retireAfterMs: 60 * 60_000 });
      const fresh = await tokens.issue({ partnerId: demoPartnerId, expiresIn: 86_400 });
      assert.equal(jose.decodeProtectedHeader(fresh).kid, kid);
      assert.equal((await tokens.verify(old)).partnerId, demoPartnerId);
      clock += 59 * 60_000;
      assert.equal((await tokens.verify(old)).partnerId, demoPartnerId, 'still inside the grace period');
      clock += 2 * 60_000;
      await assert.rejects(tokens.verify(old), (e: { status?: number; data?: string[] }) => e.status === 401 && /retired/.test(String(e.data?.[0])));
      assert.equal((await tokens.verify(fresh)).partnerId, demoPartnerId);
      const published = (await tokens.jwks()).keys.map((k) => k.kid);
      assert.ok(published.includes(kid), 'the signing key is published');
      assert.ok(!published.includes(jose.decodeProtectedHeader(old).kid!), 'a retired key is no longer published');
    });

    it('picks up a retirement made by another process within the refresh interval', async () => {
      let clock = Date.now();
      const server = new TokenService(store, defaultIssuer, defaultAudience, [], { now: () => clock, refreshMs: 60_000 });
      await server.init();
      const token = await server.issue({ partnerId: demoPartnerId, expiresIn: 86_400 });
      const kid = jose.decodeProtectedHeader(token).kid!;
      await store.retireSigningKey(kid, new Date(clock - 1000).toISOString());
      assert.equal((await server.verify(token)).partnerId, demoPartnerId, 'the loaded keys are used until the refresh');
      clock += 61_000;
      await assert.rejects(server.verify(token), (e: { status?: number }) => e.status === 401);
    });

    it('checks a repeated token\'s signature once, yet refuses it the moment it expires', async () => {
      let clock = Date.now();
      const tokens = new TokenService(store, defaultIssuer, defaultAudience, [], { now: () => clock });
      await tokens.rotate(); // earlier tests retired the keys in this store
      const token = await tokens.issue({ partnerId: demoPartnerId, roles: ['SalesAgent'], expiresIn: 120 });
      const first = await tokens.verify(token);
      const second = await tokens.verify(token);
      assert.deepEqual(second, first);
      assert.deepEqual(second.roles, ['SalesAgent']);
      assert.equal(tokens.signatureChecks, 1, 'the second call is answered from memory');
      assert.throws(() => (second.roles as string[]).push('AdminAgent'), 'a shared principal cannot be changed by one request');
      clock += 121_000;
      await assert.rejects(tokens.verify(token), (e: { status?: number; data?: string[] }) => e.status === 401 && /expired/.test(String(e.data?.[0])));
    });

    it('answers each remembered token with its own principal, however the tokens alternate', async () => {
      const tokens = new TokenService(store);
      await tokens.rotate();
      const [a, b] = await Promise.all(['sa', 'sb'].map((subject) => tokens.issue({ partnerId: demoPartnerId, subject, expiresIn: 600 })));
      const subjects: string[] = [];
      for (const token of [a, a, b, b, a, b, a]) subjects.push((await tokens.verify(token)).subject);
      assert.deepEqual(subjects, ['sa', 'sa', 'sb', 'sb', 'sa', 'sb', 'sa']);
      assert.equal(tokens.signatureChecks, 2);
    });

    it('does not remember tokens it refused', async () => {
      const tokens = new TokenService(store);
      await tokens.rotate();
      const { kid, key } = await serverKey(store);
      const early = await sign(key, kid, { nbf: nowSeconds() + 300 });
      await assert.rejects(tokens.verify(early));
      await assert.rejects(tokens.verify(early));
      assert.equal(tokens.signatureChecks, 2);
    });

    it('refuses a remembered token once its key is retired, and forgets the oldest tokens beyond its size', async () => {
      let clock = Date.now();
      const tokens = new TokenService(store, defaultIssuer, defaultAudience, [], { now: () => clock, verifiedCacheSize: 2 });
      await tokens.rotate();
      const issued = await Promise.all([1, 2, 3].map((n) => tokens.issue({ partnerId: demoPartnerId, subject: `s${n}`, expiresIn: 86_400 })));
      for (const t of issued) await tokens.verify(t);
      assert.equal(tokens.signatureChecks, 3);
      await tokens.verify(issued[2]);
      assert.equal(tokens.signatureChecks, 3, 'the newest is remembered');
      await tokens.verify(issued[0]);
      assert.equal(tokens.signatureChecks, 4, 'the oldest was forgotten');
      await tokens.rotate({ retireAfterMs: 60_000 });
      assert.equal((await tokens.verify(issued[0])).subject, 's1', 'still inside the grace period');
      clock += 61_000;
      await assert.rejects(tokens.verify(issued[0]), (e: { data?: string[] }) => /retired/.test(String(e.data?.[0])));
    });

    it('reloads keys for unknown kids at most once per interval, however many arrive', async () => {
      let clock = Date.now();
      const counted = countingKeyReads(store);
      const tokens = new TokenService(counted.store, defaultIssuer, defaultAudience, [], { now: () => clock, unknownKidReloadMs: 5_000 });
      await tokens.init();
      const { privateKey } = await jose.generateKeyPair('ES256');
      const readsBefore = counted.reads();
      const forged = await Promise.all(Array.from({ length: 50 }, () => sign(privateKey, randomUUID())));
      const results = await Promise.allSettled(forged.map((t) => tokens.verify(t)));
      assert.ok(results.every((r) => r.status === 'rejected' && (r.reason as { status?: number }).status === 401));
      assert.equal(counted.reads() - readsBefore, 1, '50 unknown kids cost one key read');
      clock += 5_001;
      await assert.rejects(tokens.verify(forged[0]));
      assert.equal(counted.reads() - readsBefore, 2, 'after the interval one more reload is allowed');
    });

    it('lets every request that arrives during a reload for a new key wait for it, not only the first', async () => {
      const tokens = new TokenService(store, defaultIssuer, defaultAudience, [], { unknownKidReloadMs: 60_000 });
      await tokens.init();
      // Another process (another worker, or `tenantry token`) adds a key this one has not loaded.
      const other = new TokenService(store);
      await other.rotate();
      const token = await other.issue({ partnerId: demoPartnerId, expiresIn: 3600 });
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => tokens.verify(token)));
      assert.deepEqual(results.map((r) => r.status), Array(5).fill('fulfilled'), JSON.stringify(results.map((r) => (r.status === 'rejected' ? (r.reason as { data?: unknown }).data : 'ok'))));
    });
  });
}

describe('tokens from an external OIDC issuer (local JWKS over HTTP)', () => {
  const issuer = 'https://login.example.test/7a1f0c7e-0000-4000-8000-000000000001/v2.0';
  let jwksServer: Server;
  let jwksRequests = 0;
  let h: Harness;
  let signingKey: CryptoKey;
  const kid = 'test-rsa-1';

  before(async () => {
    const pair = await jose.generateKeyPair('RS256', { extractable: true });
    signingKey = pair.privateKey;
    const jwk = { ...(await jose.exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' };
    jwksServer = createServer((req, res) => {
      jwksRequests++;
      if (req.url !== '/keys') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const { port } = jwksServer.address() as AddressInfo;
    h = await startHarness(storeFactories[0], { externalIssuers: [{ issuer, jwksUri: `http://127.0.0.1:${port}/keys` }] });
  });
  after(async () => {
    await h.close();
    await new Promise<void>((resolve) => jwksServer.close(() => resolve()));
  });

  const external = (o: { aud?: string; exp?: number; key?: CryptoKey; kid?: string } = {}) =>
    new jose.SignJWT(claims())
      .setProtectedHeader({ alg: 'RS256', kid: o.kid ?? kid })
      .setIssuer(issuer)
      .setAudience(o.aud ?? defaultAudience)
      .setIssuedAt()
      .setExpirationTime(o.exp ?? nowSeconds() + 600)
      .sign(o.key ?? signingKey);

  it('accepts a token signed with a key from the issuer JWKS', async () => {
    const res = await h.request('GET', usersUrl, { token: await external() });
    assert.equal(res.status, 200, res.text);
    assert.ok(jwksRequests >= 1, 'the JWKS was fetched over HTTP');
  });

  it('refuses wrong audience, expired tokens and keys the JWKS does not list', async () => {
    expectUnauthorized(await h.request('GET', usersUrl, { token: await external({ aud: 'api://other' }) }), /aud/);
    expectUnauthorized(await h.request('GET', usersUrl, { token: await external({ exp: nowSeconds() - 10 }) }), /expired/);
    const stranger = (await jose.generateKeyPair('RS256')).privateKey;
    expectUnauthorized(await h.request('GET', usersUrl, { token: await external({ key: stranger }) }));
    expectUnauthorized(await h.request('GET', usersUrl, { token: await external({ key: stranger, kid: 'unknown-kid' }) }));
  });
});
