/**
 * Calls the server's sign-in route. Not part of Partner Center's API, so not in the SDK.
 */
import { PartnerError } from '@tenantry/sdk';
import { startSession, type Session } from './session';

/**
 * Signs in and starts the session; throws PartnerError with the fault's description on failure.
 *
 * @example
 * await signIn('admin@demo-partner.example', password);
 */
export async function signIn(userName: string, password: string): Promise<Session> {
  const res = await fetch('/auth/signin', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ userName, password }),
  });
  const text = (await res.text()).replace(/^\uFEFF/, '');
  let body: Record<string, unknown> = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    // Not JSON (a proxy's error page): described below by status.
  }
  if (!res.ok) {
    throw new PartnerError({ status: res.status, code: body.code as number | undefined, description: (body.description as string) ?? `Sign-in failed (HTTP ${res.status}).` });
  }
  const session: Session = {
    accessToken: String(body.accessToken),
    expiresOn: String(body.expiresOn),
    userName: String(body.userName),
    partnerId: String(body.partnerId),
    roles: (body.roles as string[]) ?? [],
  };
  startSession(session);
  return session;
}
