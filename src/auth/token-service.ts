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
  /** Lifetime in seconds (default one hour). */
  expiresIn?: number;
  /**
   * No `exp` and no `nbf`: the token stays valid whatever the clock says (emulator workspace
   * tokens, so a test can move a workspace's clock a month and keep going).
   */
  timeless?: boolean;
}

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const allowedLocalAlgorithms = ['ES256'];
const allowedExternalAlgorithms = ['RS256', 'ES256'];

export interface TokenServiceOptions {
  /** Least time between key reloads caused by an unknown `kid`, so random kids cannot hammer the database. */
  unknownKidReloadMs?: number;
  /** Keys are re-read at least this often, so retirements made by other processes take effect. */
  refreshMs?: number;
  /** The clock, in milliseconds (tests move it). */
  now?: () => number;
  /** How many verified tokens are remembered (default 10,000). */
  verifiedCacheSize?: number;
  /** Longest time a verified external token is trusted without re-checking its signature (default 5 min). */
  externalCacheMs?: number;
}

/**
 * A token whose signature and claims were checked. Only its time limits and, for our own
 * tokens, its key's standing can change afterwards, so those are all a repeat has to re-check.
 */
interface VerifiedToken {
  principal: Principal;
  notBefore: number;
  /** Milliseconds: the token's `exp`, or sooner for external tokens. */
  trustedUntil: number;
  /** The signing key of a token we issued; undefined for external issuers. */
  localKid?: string;
}

/** A verification key and when it stops verifying (retired keys keep a grace period). */
interface LoadedKey {
  key: CryptoKey;
  retiresAt?: number;
}

export class TokenService {
  private signingKey?: { kid: string; key: CryptoKey };
  private localKeys = new Map<string, LoadedKey>();
  private loadedAt = 0;
  private lastUnknownKidReload = Number.NEGATIVE_INFINITY;
  private reloading?: Promise<void>;
  private readonly unknownKidReloadMs: number;
  private readonly refreshMs: number;
  private readonly now: () => number;
  private readonly external = new Map<string, { audience: string; keys: ReturnType<typeof jose.createRemoteJWKSet> }>();
  // Checking an ES256 signature costs ~35 µs, more than the rest of a page request's auth; callers
  // send the same token for up to an hour, so each distinct token is checked once.
  private readonly verified = new Map<string, VerifiedToken>();
  /**
   * The token last found trusted, compared before the Map is asked: a client mostly sends one
   * token on every request, and each request's header is a new string whose ~500 characters a
   * Map look-up must hash first. A comparison costs next to nothing.
   */
  private lastToken: string | undefined;
  private lastEntry: VerifiedToken | undefined;
  private readonly verifiedCacheSize: number;
  private readonly externalCacheMs: number;
  /** Signatures checked so far (cache misses); tests read it. */
  signatureChecks = 0;

  constructor(
    private readonly store: Store,
    readonly issuer = defaultIssuer,
    readonly audience = defaultAudience,
    externalIssuers: ExternalIssuer[] = [],
    options: TokenServiceOptions = {},
  ) {
    for (const e of externalIssuers) {
      this.external.set(e.issuer, { audience: e.audience ?? audience, keys: jose.createRemoteJWKSet(new URL(e.jwksUri)) });
    }
    this.unknownKidReloadMs = options.unknownKidReloadMs ?? 5_000;
    this.refreshMs = options.refreshMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.verifiedCacheSize = options.verifiedCacheSize ?? 10_000;
    this.externalCacheMs = options.externalCacheMs ?? 5 * 60_000;
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
    // The newest key that is not retired signs; a retired key only verifies, until its grace period ends.
    const active = keys.filter((k) => !k.retiredAt);
    const newest = active[active.length - 1] ?? keys[keys.length - 1];
    this.signingKey = { kid: newest.kid, key: (await jose.importJWK(JSON.parse(newest.privateJwk), 'ES256')) as CryptoKey };
    const loaded = new Map<string, LoadedKey>();
    for (const k of keys) {
      loaded.set(k.kid, { key: (await jose.importJWK(JSON.parse(k.publicJwk), 'ES256')) as CryptoKey, retiresAt: k.retiredAt ? Date.parse(k.retiredAt) : undefined });
    }
    this.localKeys = loaded;
    this.loadedAt = this.now();
  }

  /**
   * Adds a new signing key, which signs from now on. Tokens signed with older keys keep
   * verifying, so a roll-over needs no downtime; with `retireAfterMs` the older keys stop
   * verifying once that grace period has passed (give it at least the longest token lifetime).
   * Other processes pick the new key up on its first token (unknown kid) or within `refreshMs`.
   *
   * @example
   * const kid = await tokens.rotate({ retireAfterMs: 3600_000 });
   */
  async rotate(options: { retireAfterMs?: number } = {}): Promise<string> {
    const previous = (await this.store.listSigningKeys()).filter((k) => !k.retiredAt);
    const { privateKey, publicKey } = await jose.generateKeyPair('ES256', { extractable: true });
    const kid = randomUUID();
    await this.store.insertSigningKey({
      kid,
      privateJwk: JSON.stringify(await jose.exportJWK(privateKey)),
      publicJwk: JSON.stringify(await jose.exportJWK(publicKey)),
      createdAt: new Date(this.now()).toISOString(),
    });
    if (options.retireAfterMs !== undefined) {
      const retiredAt = new Date(this.now() + options.retireAfterMs).toISOString();
      for (const k of previous) await this.store.retireSigningKey(k.kid, retiredAt);
    }
    await this.reload();
    return kid;
  }

  async reload(): Promise<void> {
    // One reload at a time: concurrent callers share it.
    this.reloading ??= (async () => this.loadKeys(await this.store.listSigningKeys()))().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  /** The public keys that still verify, as a JWKS document, for `/.well-known/jwks.json`. */
  async jwks(): Promise<{ keys: jose.JWK[] }> {
    const keys = (await this.store.listSigningKeys()).filter((k) => !k.retiredAt || Date.parse(k.retiredAt) > this.now());
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
    const now = Math.floor(this.now() / 1000);
    const jwt = new jose.SignJWT({ tid: options.partnerId.toLowerCase(), roles, idtyp: options.appOnly ? 'app' : 'user' })
      .setProtectedHeader({ alg: 'ES256', kid: this.signingKey!.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setSubject(options.subject ?? randomUUID())
      .setIssuedAt(now);
    if (!options.timeless) jwt.setNotBefore(now).setExpirationTime(now + (options.expiresIn ?? 3600));
    return jwt.sign(this.signingKey!.key);
  }

  /**
   * Verifies a bearer token and returns its principal; throws a 401 fault otherwise. A token seen
   * before is answered from memory while it is inside its validity window and its key still
   * verifies (key reloads and retirements apply to remembered tokens too).
   *
   * @example
   * const principal = await tokens.verify(bearer); // { partnerId, roles, … }
   */
  async verify(token: string): Promise<Principal> {
    const isLast = token === this.lastToken;
    const known = isLast ? this.lastEntry : this.verified.get(token);
    if (known) {
      if (known.localKid !== undefined && this.now() - this.loadedAt > this.refreshMs) await this.reload();
      if (this.stillTrusted(known)) {
        if (!isLast) [this.lastToken, this.lastEntry] = [token, known];
        return known.principal;
      }
      // Fall through: the full check gives the precise reason (expired, retired key…).
      this.verified.delete(token);
      this.lastToken = this.lastEntry = undefined;
    }
    return this.verifyUncached(token);
  }

  private stillTrusted(known: VerifiedToken): boolean {
    const now = this.now();
    if (now < known.notBefore || now >= known.trustedUntil) return false;
    if (known.localKid === undefined) return true;
    const key = this.localKeys.get(known.localKid);
    return key !== undefined && (key.retiresAt === undefined || now < key.retiresAt);
  }

  private remember(token: string, entry: VerifiedToken) {
    if (this.verified.size >= this.verifiedCacheSize) {
      // Maps iterate in insertion order: drop the oldest.
      this.verified.delete(this.verified.keys().next().value!);
    }
    this.verified.set(token, entry);
  }

  private async verifyUncached(token: string): Promise<Principal> {
    this.signatureChecks++;
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
        ({ payload } = await jose.jwtVerify(token, ext.keys, { issuer: claims.iss, audience: ext.audience, algorithms: allowedExternalAlgorithms, currentDate: new Date(this.now()) }));
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
    // Frozen: one principal object now serves every request that carries this token.
    const principal: Principal = Object.freeze({ partnerId, subject: String(payload.sub ?? ''), roles: Object.freeze(roles) as Role[], appOnly: payload.idtyp === 'app' });
    const local = claims.iss === this.issuer;
    const exp = typeof payload.exp === 'number' ? payload.exp * 1000 : Number.POSITIVE_INFINITY;
    this.remember(token, {
      principal,
      notBefore: typeof payload.nbf === 'number' ? payload.nbf * 1000 : Number.NEGATIVE_INFINITY,
      trustedUntil: local ? exp : Math.min(exp, this.now() + this.externalCacheMs),
      localKid: local ? jose.decodeProtectedHeader(token).kid : undefined,
    });
    return principal;
  }

  private async verifyLocal(token: string) {
    if (this.now() - this.loadedAt > this.refreshMs) await this.reload();
    const options = { issuer: this.issuer, audience: this.audience, algorithms: allowedLocalAlgorithms, currentDate: new Date(this.now()) };
    // jose checks the algorithm against the allow-list before it asks for the key.
    return (await jose.jwtVerify(token, (header: jose.JWTHeaderParameters) => this.localKey(header.kid), options)).payload;
  }

  private async localKey(kid: string | undefined): Promise<CryptoKey> {
    if (!kid) throw faults.accessDenied('The token has no key id (kid).');
    let found = this.localKeys.get(kid);
    if (!found && this.now() - this.lastUnknownKidReload >= this.unknownKidReloadMs) {
      // A key minted by another process since we loaded ours. Reloads are rationed: random kids
      // from a caller must not turn into one database query each.
      this.lastUnknownKidReload = this.now();
      await this.reload();
      found = this.localKeys.get(kid);
    } else if (!found && this.reloading) {
      // A reload another request started may bring this key (the first requests after a cluster
      // starts all carry the kid of a key another worker minted): wait for it rather than refuse.
      await this.reloading;
      found = this.localKeys.get(kid);
    }
    if (!found) throw faults.accessDenied('The token signing key is not known.');
    if (found.retiresAt !== undefined && this.now() >= found.retiresAt) throw faults.accessDenied('The token signing key has been retired.');
    return found.key;
  }
}
