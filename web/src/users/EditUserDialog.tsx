/**
 * Edit a user's information (names, user name, usage location).
 */
import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, Spinner } from '@fluentui/react-components';
import type { Customer, CustomerUser } from '@tenantry/sdk';
import { useState } from 'react';
import { describeError, partner } from '../api/partner';
import { ErrorBar } from '../components/ErrorBar';
import { customerDomainList, UserInfoFields, userInfoProblems, type UserInfo } from './UserInfoFields';

export function EditUserDialog({ customer, user, onClose }: { customer: Customer; user: CustomerUser; onClose: (saved?: string) => void }) {
  const [alias, domain] = splitUpn(user.userPrincipalName);
  const domains = customerDomainList(customer);
  const [info, setInfo] = useState<UserInfo>({
    firstName: user.firstName ?? '',
    lastName: user.lastName ?? '',
    displayName: user.displayName,
    alias,
    domain: domains.find((d) => d.toLowerCase() === domain.toLowerCase()) ?? domain,
    usageLocation: user.usageLocation ?? '',
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [showProblems, setShowProblems] = useState(false);
  const allDomains = domains.some((d) => d.toLowerCase() === domain.toLowerCase()) ? domains : [domain, ...domains];

  const save = async () => {
    setShowProblems(true);
    if (Object.keys(userInfoProblems(info)).length) return;
    setBusy(true);
    setError(undefined);
    try {
      const upn = `${info.alias.trim()}@${info.domain}`;
      const saved = await partner.customers.byId(customer.id).users.byId(user.id).patch({
        displayName: info.displayName.trim(),
        firstName: info.firstName.trim(),
        lastName: info.lastName.trim(),
        userPrincipalName: upn,
        ...(info.usageLocation ? { usageLocation: info.usageLocation } : {}),
      });
      onClose(saved.userPrincipalName);
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };

  return (
    <Dialog open modalType="modal" onOpenChange={(_, d) => !d.open && !busy && onClose()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>Edit {user.displayName}</DialogTitle>
          <DialogContent style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
            {error && <ErrorBar title="The changes were not saved" message={error} />}
            <UserInfoFields info={info} domains={allDomains} onChange={setInfo} showProblems={showProblems} />
          </DialogContent>
          <DialogActions fluid>
            <Button onClick={() => onClose()} disabled={busy}>
              Cancel
            </Button>
            <Button appearance="primary" onClick={save} disabled={busy} icon={busy ? <Spinner size="tiny" /> : undefined}>
              {busy ? 'Saving…' : 'Save'}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

function splitUpn(upn: string): [string, string] {
  const at = upn.lastIndexOf('@');
  return at < 0 ? [upn, ''] : [upn.slice(0, at), upn.slice(at + 1)];
}
