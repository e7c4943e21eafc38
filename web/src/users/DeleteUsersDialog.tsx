/**
 * Delete the selected users after confirmation. Deleted users stay restorable for 30 days.
 */
import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, Spinner, Text } from '@fluentui/react-components';
import type { CustomerUser } from '@tenantry/sdk';
import { useState } from 'react';
import { describeError, partner } from '../api/partner';
import { ErrorBar } from '../components/ErrorBar';

/**
 * @example
 * <DeleteUsersDialog customerId={id} users={selectedUsers} onClose={(n) => reload()} />
 */
export function DeleteUsersDialog({ customerId, users, onClose }: { customerId: string; users: CustomerUser[]; onClose: (deleted?: number) => void }) {
  const [busy, setBusy] = useState(false);
  const [failures, setFailures] = useState<string[]>([]);

  const remove = async () => {
    setBusy(true);
    setFailures([]);
    const failed: string[] = [];
    let deleted = 0;
    for (const u of users) {
      try {
        await partner.customers.byId(customerId).users.byId(u.id).delete();
        deleted++;
      } catch (e) {
        failed.push(`${u.userPrincipalName}: ${describeError(e)}`);
      }
    }
    setBusy(false);
    if (failed.length === 0) onClose(deleted);
    else setFailures(failed);
  };

  const one = users.length === 1;
  return (
    <Dialog open modalType="alert" onOpenChange={(_, d) => !d.open && !busy && onClose()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{one ? 'Delete user' : `Delete ${users.length} users`}</DialogTitle>
          <DialogContent style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
            {failures.length > 0 && <ErrorBar title="Some users were not deleted" message={failures.join('\n')} />}
            <Text>
              {one ? `Delete ${users[0].displayName} (${users[0].userPrincipalName})?` : `Delete these ${users.length} users?`} They lose access at once. You can
              restore them from Deleted users for 30 days.
            </Text>
            {!one && (
              <ul style={{ margin: 0, maxHeight: 160, overflowY: 'auto' }}>
                {users.map((u) => (
                  <li key={u.id}>{u.userPrincipalName}</li>
                ))}
              </ul>
            )}
          </DialogContent>
          <DialogActions fluid>
            <Button onClick={() => onClose(failures.length ? users.length - failures.length : undefined)} disabledFocusable={busy}>
              Cancel
            </Button>
            <Button appearance="primary" onClick={remove} disabledFocusable={busy} icon={busy ? <Spinner size="tiny" /> : undefined}>
              {busy ? 'Deleting…' : 'Delete'}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
