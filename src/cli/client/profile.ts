/**
 * The login profile: the server URL, a token and an optional default customer, kept in the
 * user's config directory with mode 0600 so that other local users cannot read the token.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Profile {
  url: string;
  token?: string;
  customer?: string;
}

/**
 * The folder holding `profile.json`: TENANTRY_CONFIG_DIR, else the platform's config folder.
 *
 * @example
 * profileDir(); // '/home/ada/.config/tenantry'
 */
export function profileDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TENANTRY_CONFIG_DIR) return env.TENANTRY_CONFIG_DIR;
  const base = env.XDG_CONFIG_HOME || (process.platform === 'win32' && env.APPDATA) || join(homedir(), '.config');
  return join(base, 'tenantry');
}

export const profilePath = (env: NodeJS.ProcessEnv = process.env) => join(profileDir(env), 'profile.json');

/**
 * Reads the profile, or undefined when there is none.
 *
 * @example
 * const profile = readProfile();
 */
export function readProfile(env: NodeJS.ProcessEnv = process.env): Profile | undefined {
  let text: string;
  try {
    text = readFileSync(profilePath(env), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as Profile;
    return typeof parsed.url === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes the profile, readable by its owner only.
 *
 * @example
 * writeProfile({ url: 'http://127.0.0.1:8080', token });
 */
export function writeProfile(profile: Profile, env: NodeJS.ProcessEnv = process.env): string {
  mkdirSync(profileDir(env), { recursive: true, mode: 0o700 });
  const path = profilePath(env);
  writeFileSync(path, `${JSON.stringify(profile, null, 2)}\n`, { mode: 0o600 });
  // writeFileSync keeps the mode of an existing file; make sure it is private.
  chmodSync(path, 0o600);
  return path;
}

/** Removes the profile; returns whether there was one. */
export function removeProfile(env: NodeJS.ProcessEnv = process.env): boolean {
  const existed = readProfile(env) !== undefined;
  rmSync(profilePath(env), { force: true });
  return existed;
}
