/**
 * Reset password: confirm, then show the new temporary password once with copy.
 */
import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, Spinner, Text } from '@fluentui/react-components';
import type { CustomerUser } from '@tenantry/sdk';
import { useState } from 'react';
import { describeError, partner } from '../api/partner';
import { ErrorBar } from '../components/ErrorBar';
import { SecretValue } from '../components/SecretValue';

/**
 * @example
 * <ResetPasswordDialog customerId={id} user={user} onClose={reload} />
 */
export function ResetPasswordDialog({ customerId, user, onClose }: { customerId: string; user: CustomerUser; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [password, setPassword] = useState<string>();

  const reset = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const updated = await partner.customers.byId(customerId).users.byId(user.id).resetPassword({ forceChangePassword: true });
      setPassword(updated.passwordProfile?.password ?? '');
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open modalType="alert" onOpenChange={(_, d) => !d.open && !busy && onClose()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>Reset password</DialogTitle>
          <DialogContent style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
            {error && <ErrorBar title="The password was not reset" message={error} />}
            {password === undefined ? (
              <Text>
                Give {user.displayName} ({user.userPrincipalName}) a new temporary password? The current password stops working at once.
              </Text>
            ) : (
              <>
                <Text role="status">The password of {user.userPrincipalName} was reset.</Text>
                <Text weight="semibold">Temporary password</Text>
                <SecretValue label="Temporary password" value={password} />
                <Text size={200}>This is the only time the password is shown. The user must change it at next sign-in.</Text>
              </>
            )}
          </DialogContent>
          <DialogActions fluid>
            {password === undefined ? (
              <>
                <Button onClick={onClose} disabledFocusable={busy}>
                  Cancel
                </Button>
                <Button appearance="primary" onClick={reset} disabledFocusable={busy} icon={busy ? <Spinner size="tiny" /> : undefined}>
                  {busy ? 'Resetting…' : 'Reset password'}
                </Button>
              </>
            ) : (
              <Button appearance="primary" onClick={onClose}>
                Close
              </Button>
            )}
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
