/**
 * Partner user accounts: the people who sign in to the web UI. Each belongs to one partner tenant
 * and carries the roles its tokens get. User names compare case-insensitively.
 */
import { faults } from './fault.js';

export interface PartnerAccount {
  partnerId: string;
  /** As the account was created (shown back to the user). */
  userName: string;
  roles: string[];
  passwordHash: string;
  createdAt: string;
  updatedAt: string;
}

const userNamePattern = /^[^\s@]{1,64}(@[^\s@]{1,253})?$/;

/**
 * The lookup key of a user name: trimmed and lower-cased, so "Ada@Contoso.com" finds "ada@contoso.com".
 *
 * @example
 * userNameKey(' Ada@Contoso.com '); // 'ada@contoso.com'
 */
export function userNameKey(userName: string): string {
  return userName.trim().toLowerCase();
}

/**
 * Checks a new account's user name; returns it trimmed.
 *
 * @example
 * validateAccountUserName('admin@partner.example'); // 'admin@partner.example'
 */
export function validateAccountUserName(userName: string): string {
  const trimmed = userName.trim();
  if (!userNamePattern.test(trimmed)) throw faults.invalidProperty('userName', 'use a name or an e-mail address without spaces');
  return trimmed;
}
