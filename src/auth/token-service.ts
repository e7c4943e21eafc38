/**
 * Issues and verifies bearer tokens (JWT). The server's own ES256 keys live in the database so
 * every process and the `tenantry token` command share them; external OIDC issuers (for example
 * Entra ID) are verified through their JWKS.
 */
import { randomUUID } from 'node:crypto';
import * as jose from 'jose';
import { faults } from '../domain/fault.js';
import type { Store } from '../store/store.js';
import { normalizeRoles, type Role } from './permissions.js';
import type { Principal } from './principal.js';

/** Partner Center's resource URI, the audience its tokens carry. */
export const defaultAudience = 'https://api.partnercenter.microsoft.com';
export const defaultIssuer = 'urn:tenantry';

export interface ExternalIssuer {
  issuer: string;
  jwksUri: string;
  audience?: string;
}

export interface TokenOptions {
  partnerId: string;
  roles?: string[];
  appOnly?: boolean;
  subject?: string;
  /** Lifetime in seconds. */
  expiresIn?: number;
}

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const allowedLocalAlgorithms = ['ES256'];
const allowedExternalAlgorithms = ['RS256', 'ES256'];

export class TokenService {
  private signingKey?: { kid: string; key: CryptoKey };
  private localKeys?: ReturnType<typeof jose.createLocalJWKSet>;
  private readonly external = new Map<string, { audience: string; keys: ReturnType<typeof jose.createRemoteJWKSet> }>();

  constructor(
    private readonly store: Store,
    readonly issuer = defaultIssuer,
    readonly audience = defaultAudience,
    externalIssuers: ExternalIssuer[] = [],
  ) {
    for (const e of externalIssuers) {
      this.external.set(e.issuer, { audience: e.audience ?? audience, keys: jose.createRemoteJWKSet(new URL(e.jwksUri)) });
    }
  }

  /** Loads the keys, creating the first one on a new database. */
  async init(): Promise<void> {
    let keys = await this.store.listSigningKeys();
    if (keys.length === 0) {
      await this.rotate();
      keys = await this.store.listSigningKeys();
    }
    await this.loadKeys(keys);
  }

  private async loadKeys(keys: Awaited<ReturnType<Store['listSigningKeys']>>) {
    const active = keys.filter((k) => !k.retiredAt);
    const newest = active[active.length - 1] ?? keys[keys.length - 1];
    this.signingKey = { kid: newest.kid, key: (await jose.importJWK(JSON.parse(newest.privateJwk), 'ES256')) as CryptoKey };
    this.localKeys = jose.createLocalJWKSet({ keys: keys.map((k) => ({ ...JSON.parse(k.publicJwk), kid: k.kid, alg: 'ES256', use: 'sig' })) });
  }

  /**
   * Adds a new signing key. Tokens signed with older keys stay valid until they expire, so a
   * roll-over needs no downtime; call `reload()` in other processes (they also reload on an unknown kid).
   */
  async rotate(): Promise<string> {
    const { privateKey, publicKey } = await jose.generateKeyPair('ES256', { extractable: true });
    const kid = randomUUID();
    await this.store.insertSigningKey({
      kid,
      privateJwk: JSON.stringify(await jose.exportJWK(privateKey)),
      publicJwk: JSON.stringify(await jose.exportJWK(publicKey)),
      createdAt: new Date().toISOString(),
    });
    await this.reload();
    return kid;
  }

  async reload(): Promise<void> {
    await this.loadKeys(await this.store.listSigningKeys());
  }

  /** The public keys as a JWKS document, for `/.well-known/jwks.json`. */
  async jwks(): Promise<{ keys: jose.JWK[] }> {
    const keys = await this.store.listSigningKeys();
    return { keys: keys.map((k) => ({ ...JSON.parse(k.publicJwk), kid: k.kid, alg: 'ES256', use: 'sig' })) };
  }

  /**
   * Signs a token for a partner.
   *
   * @example
   * const token = await tokens.issue({ partnerId, roles: ['AdminAgent'] });
   */
  async issue(options: TokenOptions): Promise<string> {
    if (!this.signingKey) await this.init();
    if (!guidPattern.test(options.partnerId)) throw new Error('partner id must be a GUID');
    const roles = options.roles && options.roles.length > 0 ? options.roles : ['AdminAgent'];
    return new jose.SignJWT({ tid: options.partnerId.toLowerCase(), roles, idtyp: options.appOnly ? 'app' : 'user' })
      .setProtectedHeader({ alg: 'ES256', kid: this.signingKey!.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setSubject(options.subject ?? randomUUID())
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime(Math.floor(Date.now() / 1000) + (options.expiresIn ?? 3600))
      .sign(this.signingKey!.key);
  }

  /** Verifies a bearer token and returns its principal; throws a 401 fault otherwise. */
  async verify(token: string): Promise<Principal> {
    let claims: jose.JWTPayload;
    try {
      claims = jose.decodeJwt(token);
    } catch {
      throw faults.accessDenied('The token is not a JWT.');
    }
    let payload: jose.JWTPayload;
    try {
      if (claims.iss === this.issuer) {
        payload = await this.verifyLocal(token);
      } else {
        const ext = typeof claims.iss === 'string' ? this.external.get(claims.iss) : undefined;
        if (!ext) throw faults.accessDenied('The token issuer is not trusted.');
        ({ payload } = await jose.jwtVerify(token, ext.keys, { issuer: claims.iss, audience: ext.audience, algorithms: allowedExternalAlgorithms }));
      }
    } catch (e) {
      if (e instanceof Error && e.name === 'Fault') throw e;
      const code = (e as { code?: string }).code;
      const reason =
        code === 'ERR_JWT_EXPIRED' ? 'The token has expired.'
        : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' ? `The token's ${(e as { claim?: string }).claim ?? ''} claim is not valid.`
        : 'The token signature is not valid.';
      throw faults.accessDenied(reason);
    }
    const partnerId = typeof payload.tid === 'string' ? payload.tid.toLowerCase() : '';
    if (!guidPattern.test(partnerId)) throw faults.accessDenied('The token has no partner tenant (tid) claim.');
    const roles: Role[] = normalizeRoles(payload.roles);
    return { partnerId, subject: String(payload.sub ?? ''), roles, appOnly: payload.idtyp === 'app' };
  }

  private async verifyLocal(token: string) {
    const options = { issuer: this.issuer, audience: this.audience, algorithms: allowedLocalAlgorithms };
    try {
      return (await jose.jwtVerify(token, this.localKeys!, options)).payload;
    } catch (e) {
      // A key minted by another process since we loaded ours: reload once and retry.
      if ((e as { code?: string }).code !== 'ERR_JWKS_NO_MATCHING_KEY') throw e;
      await this.reload();
      return (await jose.jwtVerify(token, this.localKeys!, options)).payload;
    }
  }
}
