/**
 * Partner user accounts for the web UI: creating them, changing their password, and signing in
 * (a checked password buys a bearer token the API accepts, carrying the account's roles).
 */
import { hashPassword, verifyPassword } from '../auth/password-hash.js';
import { normalizeRoles } from '../auth/permissions.js';
import type { TokenService } from '../auth/token-service.js';
import { systemClock, type Clock } from '../domain/clock.js';
import { Fault, faults } from '../domain/fault.js';
import { userNameKey, validateAccountUserName, type PartnerAccount } from '../domain/partner-account.js';
import { generateTemporaryPassword, passwordPolicyViolation } from '../domain/password-policy.js';
import type { Store } from '../store/store.js';

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** How long a web UI session token lives, in seconds. */
export const sessionSeconds = 3600;

export interface NewAccount {
  partnerId: string;
  userName: string;
  /** Role names as tokens carry them; default AdminAgent. */
  roles?: string[];
  /** Generated (and returned) when absent. */
  password?: string;
}

export interface SignInResult {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  /** UTC ISO-8601. */
  expiresOn: string;
  partnerId: string;
  userName: string;
  roles: string[];
}

/** Sign-in attempts allowed per user name in each window; more are refused until it ends. */
export const signInAttemptsPerWindow = 10;
const signInWindowSeconds = 15 * 60;

/** 401 for a wrong user name or password: one message for both, so names cannot be probed. */
const signInFailed = () => new Fault(401, 400, 'The user name or password is incorrect.', [], { 'WWW-Authenticate': 'Bearer' });

function checkedRoles(names: string[] | undefined): string[] {
  if (!names || names.length === 0) return ['AdminAgent'];
  const roles = normalizeRoles(names);
  if (roles.length !== names.length) throw faults.invalidProperty('roles', `unknown role among ${names.join(', ')}`);
  return roles;
}

function checkedPassword(password: string | undefined): string {
  if (password === undefined) return generateTemporaryPassword();
  const violation = passwordPolicyViolation(password);
  if (violation) throw faults.invalidProperty('password', violation);
  return password;
}

export class PartnerAccountService {
  // Compared against when the user name is unknown, so a miss costs as much time as a wrong password.
  private decoyHash?: Promise<string>;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Creates an account; returns it with its password (the generated one when none was given).
   *
   * @example
   * const { password } = await accounts.add({ partnerId, userName: 'ada@partner.example', roles: ['AdminAgent'] });
   */
  async add(input: NewAccount): Promise<{ account: PartnerAccount; password: string }> {
    if (!guidPattern.test(input.partnerId)) throw faults.invalidProperty('partnerId', 'must be a GUID');
    const userName = validateAccountUserName(input.userName);
    const roles = checkedRoles(input.roles);
    const password = checkedPassword(input.password);
    const now = this.clock.now().toISOString();
    const account: PartnerAccount = { partnerId: input.partnerId.toLowerCase(), userName, roles, passwordHash: await hashPassword(password), createdAt: now, updatedAt: now };
    if (!(await this.store.insertPartnerAccount(account))) {
      throw new Fault(409, 60016, `An account named ${userName} already exists.`, [userName]);
    }
    return { account, password };
  }

  /**
   * Sets a new password (generated when absent) and optionally new roles; returns the password.
   *
   * @example
   * const { password } = await accounts.resetPassword('ada@partner.example');
   */
  async resetPassword(userName: string, newPassword?: string, roles?: string[]): Promise<{ account: PartnerAccount; password: string }> {
    const existing = await this.store.findPartnerAccount(userNameKey(userName));
    if (!existing) throw new Fault(404, 60017, `There is no account named ${userName.trim()}.`, [userName]);
    const password = checkedPassword(newPassword);
    const nextRoles = roles && roles.length > 0 ? checkedRoles(roles) : existing.roles;
    const passwordHash = await hashPassword(password);
    const updatedAt = this.clock.now().toISOString();
    await this.store.updatePartnerAccount(userNameKey(userName), passwordHash, nextRoles, updatedAt);
    return { account: { ...existing, roles: nextRoles, passwordHash, updatedAt }, password };
  }

  /**
   * Checks the password and signs a token for the account's partner and roles.
   *
   * @example
   * const { accessToken } = await accounts.signIn(tokens, 'ada@partner.example', 'k7Hq!p2Rz9@mWx4T');
   */
  /**
   * Counts a sign-in attempt for a user name in the store's shared throttling counters (so every
   * server process sees it) and refuses guessing beyond the budget with a 429.
   */
  private async countAttempt(key: string) {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const windowStart = now - (now % signInWindowSeconds);
    // 'signin' cannot collide with a partner id (a GUID) in the counters table.
    const [hits] = await this.store.countRequests([{ partnerId: 'signin', customerId: key, kind: 'write' }], windowStart);
    if (hits > signInAttemptsPerWindow) {
      const retryAfter = windowStart + signInWindowSeconds - now;
      throw new Fault(429, 60018, `Too many sign-in attempts for this user name. Try again in ${Math.ceil(retryAfter / 60)} minutes.`, [], { 'Retry-After': String(retryAfter) });
    }
  }

  async signIn(tokens: TokenService, userName: string, password: string): Promise<SignInResult> {
    await this.countAttempt(userNameKey(userName));
    const account = userName.trim() ? await this.store.findPartnerAccount(userNameKey(userName)) : undefined;
    if (!account) {
      this.decoyHash ??= hashPassword(generateTemporaryPassword());
      await verifyPassword(password, await this.decoyHash);
      throw signInFailed();
    }
    if (!(await verifyPassword(password, account.passwordHash))) throw signInFailed();
    const accessToken = await tokens.issue({ partnerId: account.partnerId, roles: account.roles, subject: account.userName, expiresIn: sessionSeconds });
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: sessionSeconds,
      expiresOn: new Date(this.clock.now().getTime() + sessionSeconds * 1000).toISOString(),
      partnerId: account.partnerId,
      userName: account.userName,
      roles: account.roles,
    };
  }
}
