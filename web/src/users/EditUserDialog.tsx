/**
 * Edit a user: user info, roles and licenses, saved together. Only what changed is sent: the
 * user PATCH, role additions and removals, and one licence update with the difference.
 */
import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, Spinner, Tab, TabList } from '@fluentui/react-components';
import type { Customer, CustomerUser } from '@tenantry/sdk';
import { useEffect, useState } from 'react';
import { useAsync } from '../app/use-async';
import { addRoleMember, directoryRoles, removeRoleMember, subscribedSkus, updateLicenses, userLicenses, userRoles } from '../api/licensing';
import { describeError, partner } from '../api/partner';
import { ErrorBar } from '../components/ErrorBar';
import { LicensesPicker } from './LicensesPicker';
import { RolesPicker } from './RolesPicker';
import { customerDomainList, UserInfoFields, userInfoProblems, type UserInfo } from './UserInfoFields';

type Section = 'info' | 'roles' | 'licenses';

/**
 * @example
 * <EditUserDialog customer={customer} user={user} onClose={(saved) => reload()} />
 */
export function EditUserDialog({ customer, user, onClose }: { customer: Customer; user: CustomerUser; onClose: (saved?: string) => void }) {
  const [alias, domain] = splitUpn(user.userPrincipalName);
  const domains = customerDomainList(customer);
  const initialInfo: UserInfo = {
    firstName: user.firstName ?? '',
    lastName: user.lastName ?? '',
    displayName: user.displayName,
    alias,
    domain: domains.find((d) => d.toLowerCase() === domain.toLowerCase()) ?? domain,
    usageLocation: user.usageLocation ?? '',
  };
  const [info, setInfo] = useState<UserInfo>(initialInfo);
  const [section, setSection] = useState<Section>('info');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [showProblems, setShowProblems] = useState(false);
  const allDomains = domains.some((d) => d.toLowerCase() === domain.toLowerCase()) ? domains : [domain, ...domains];

  const roles = useAsync(`roles:${customer.id}`, (signal) => directoryRoles(customer.id, signal));
  const skus = useAsync(`skus:${customer.id}`, (signal) => subscribedSkus(customer.id, signal));
  const heldRoles = useAsync(`user-roles:${user.id}`, async (signal) => new Set((await userRoles(customer.id, user.id, signal)).map((r) => r.id)));
  const heldSkus = useAsync(`user-licenses:${user.id}`, async (signal) => new Set((await userLicenses(customer.id, user.id, signal)).map((l) => l.productSku.id)));
  const [roleIds, setRoleIds] = useState<Set<string>>();
  const [skuIds, setSkuIds] = useState<Set<string>>();
  useEffect(() => {
    if (heldRoles.status === 'ready') setRoleIds(new Set(heldRoles.value));
  }, [heldRoles]);
  useEffect(() => {
    if (heldSkus.status === 'ready') setSkuIds(new Set(heldSkus.value));
  }, [heldSkus]);

  const save = async () => {
    setShowProblems(true);
    if (Object.keys(userInfoProblems(info)).length) {
      setSection('info');
      return;
    }
    setBusy(true);
    setError(undefined);
    const problems: string[] = [];
    let saved = user;
    try {
      const upn = `${info.alias.trim()}@${info.domain}`;
      if (JSON.stringify(info) !== JSON.stringify(initialInfo)) {
        saved = await partner.customers.byId(customer.id).users.byId(user.id).patch({
          displayName: info.displayName.trim(),
          firstName: info.firstName.trim(),
          lastName: info.lastName.trim(),
          userPrincipalName: upn,
          ...(info.usageLocation ? { usageLocation: info.usageLocation } : {}),
        });
      }
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
      setSection('info');
      return;
    }
    if (roleIds && heldRoles.status === 'ready') {
      for (const id of roleIds) if (!heldRoles.value.has(id)) await addRoleMember(customer.id, id, saved).catch((e) => problems.push(`Adding a role: ${describeError(e)}`));
      for (const id of heldRoles.value) if (!roleIds.has(id)) await removeRoleMember(customer.id, id, user.id).catch((e) => problems.push(`Removing a role: ${describeError(e)}`));
    }
    if (skuIds && heldSkus.status === 'ready') {
      const assign = [...skuIds].filter((id) => !heldSkus.value.has(id));
      const remove = [...heldSkus.value].filter((id) => !skuIds.has(id));
      if (assign.length || remove.length) await updateLicenses(customer.id, user.id, assign, remove).catch((e) => problems.push(`Licenses: ${describeError(e)}`));
    }
    if (problems.length) {
      setError(`User info was saved, but: ${problems.join(' ')}`);
      setBusy(false);
      return;
    }
    onClose(saved.userPrincipalName);
  };

  return (
    <Dialog open modalType="modal" onOpenChange={(_, d) => !d.open && !busy && onClose()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>Edit {user.displayName}</DialogTitle>
          <DialogContent style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
            <TabList selectedValue={section} onTabSelect={(_, d) => setSection(d.value as Section)} size="small">
              <Tab value="info">User info</Tab>
              <Tab value="roles">Roles</Tab>
              <Tab value="licenses">Licenses</Tab>
            </TabList>
            {error && <ErrorBar title="Not everything was saved" message={error} />}
            {section === 'info' && <UserInfoFields info={info} domains={allDomains} onChange={setInfo} showProblems={showProblems} />}
            {section === 'roles' &&
              (heldRoles.status === 'error' ? (
                <ErrorBar title="The user's roles could not be loaded" message={heldRoles.error} />
              ) : (
                <RolesPicker roles={roleIds ? roles : { status: 'loading' }} selected={roleIds ?? new Set()} onChange={setRoleIds} />
              ))}
            {section === 'licenses' &&
              (heldSkus.status === 'error' ? (
                <ErrorBar title="The user's licenses could not be loaded" message={heldSkus.error} />
              ) : (
                <LicensesPicker
                  skus={skuIds ? skus : { status: 'loading' }}
                  selected={skuIds ?? new Set()}
                  held={heldSkus.status === 'ready' ? heldSkus.value : undefined}
                  hasUsageLocation={info.usageLocation !== ''}
                  onChange={setSkuIds}
                />
              ))}
          </DialogContent>
          <DialogActions fluid>
            <Button onClick={() => onClose()} disabledFocusable={busy}>
              Cancel
            </Button>
            <Button appearance="primary" onClick={save} disabledFocusable={busy} icon={busy ? <Spinner size="tiny" /> : undefined}>
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
