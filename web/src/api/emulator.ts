/**
 * The Emulator area's connection to the control plane (`/_tenantry`). The control plane answers
 * to the emulator's admin token, not to the signed-in partner's token: the area asks for it once
 * and keeps it in sessionStorage (gone when the tab closes, never sent anywhere but `/_tenantry`).
 * Whether the server is an emulator at all comes from `GET /_tenantry/about`, which exists only
 * under `serve --emulator` and needs no credential.
 */
import { createEmulatorClient, type EmulatorOperations } from '@tenantry/sdk';
import { useEffect, useState } from 'react';

const storageKey = 'tenantry.emulatorAdminToken';

/** The admin token entered in this tab, if any. */
export const emulatorAdminToken = (): string | undefined => sessionStorage.getItem(storageKey) ?? undefined;

/** Keeps (or, with undefined, forgets) the admin token for this tab. */
export function setEmulatorAdminToken(token: string | undefined) {
  if (token) sessionStorage.setItem(storageKey, token);
  else sessionStorage.removeItem(storageKey);
}

/**
 * A control-plane client with the given admin token.
 *
 * @example
 * const { items } = await emulatorClient(token).workspaces.list();
 */
export function emulatorClient(adminToken: string): EmulatorOperations {
  return createEmulatorClient({ baseUrl: window.location.origin, adminToken, clientName: 'tenantry-web', retry: { maxRetries: 0 } }).emulator;
}

let about: Promise<boolean> | undefined;

/** Whether the server runs with `--emulator` (asked once per page load). */
export function isEmulator(): Promise<boolean> {
  about ??= fetch('/_tenantry/about', { headers: { accept: 'application/json' } }).then(
    async (res) => res.ok && (await res.json().catch(() => ({})))?.emulator === true,
    () => false,
  );
  return about;
}

/**
 * `undefined` while asking, then whether the server is an emulator.
 *
 * @example
 * const emulator = useIsEmulator(); // show the Emulator link only when true
 */
export function useIsEmulator(): boolean | undefined {
  const [value, setValue] = useState<boolean>();
  useEffect(() => {
    let live = true;
    isEmulator().then((v) => live && setValue(v));
    return () => {
      live = false;
    };
  }, []);
  return value;
}
