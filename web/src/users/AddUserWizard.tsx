/**
 * Add user: user info → review → done, where the temporary password is shown once with copy.
 * "Add another user" starts over without closing.
 */
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Spinner,
  Text,
  tokens,
} from '@fluentui/react-components';
import type { Customer, CustomerUser } from '@tenantry/sdk';
import { useState } from 'react';
import { useAsync } from '../app/use-async';
import { addRoleMember, directoryRoles, subscribedSkus, updateLicenses } from '../api/licensing';
import { describeError, partner } from '../api/partner';
import { ErrorBar } from '../components/ErrorBar';
import { SecretValue } from '../components/SecretValue';
import { LicensesPicker } from './LicensesPicker';
import { RolesPicker } from './RolesPicker';
import { countries, customerDomainList, UserInfoFields, userInfoProblems, type UserInfo } from './UserInfoFields';

const useStyles = makeStyles({
  steps: { display: 'flex', gap: tokens.spacingHorizontalM, flexWrap: 'wrap', margin: `0 0 ${tokens.spacingVerticalM}`, padding: 0, listStyle: 'none' },
  step: { color: tokens.colorNeutralForeground3 },
  current: { color: tokens.colorBrandForeground1, fontWeight: tokens.fontWeightSemibold },
  review: { display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalL}`, margin: 0 },
  body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

type Step = 'info' | 'roles' | 'licenses' | 'review' | 'done';
const stepLabels: { step: Step; label: string }[] = [
  { step: 'info', label: 'User info' },
  { step: 'roles', label: 'Roles' },
  { step: 'licenses', label: 'Licenses' },
  { step: 'review', label: 'Review' },
  { step: 'done', label: 'Done' },
];

const emptyInfo = (domain: string): UserInfo => ({ firstName: '', lastName: '', displayName: '', alias: '', domain, usageLocation: '' });

/**
 * @example
 * <AddUserWizard customer={customer} onClose={(added) => added && notify(`Added ${added}.`)} />
 */
export function AddUserWizard({ customer, onClose }: { customer: Customer; onClose: (added?: string) => void }) {
  const styles = useStyles();
  const domains = customerDomainList(customer);
  const [step, setStep] = useState<Step>('info');
  const [info, setInfo] = useState<UserInfo>(emptyInfo(domains[0]));
  const [showProblems, setShowProblems] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [created, setCreated] = useState<CustomerUser[]>([]);
  const [roleIds, setRoleIds] = useState<Set<string>>(new Set());
  const [skuIds, setSkuIds] = useState<Set<string>>(new Set());
  const [warnings, setWarnings] = useState<string[]>([]);
  const roles = useAsync(`roles:${customer.id}`, (signal) => directoryRoles(customer.id, signal));
  // Reloaded for every new user of the session: seats change as users get licences.
  const skus = useAsync(`skus:${customer.id}:${created.length}`, (signal) => subscribedSkus(customer.id, signal));
  const last = created[created.length - 1];
  const upn = `${info.alias.trim()}@${info.domain}`;

  const next = () => {
    setShowProblems(true);
    if (Object.keys(userInfoProblems(info)).length === 0) setStep('roles');
  };

  const complete = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const user = await partner.customers.byId(customer.id).users.create({
        firstName: info.firstName.trim() || undefined,
        lastName: info.lastName.trim() || undefined,
        displayName: info.displayName.trim(),
        userPrincipalName: upn,
        usageLocation: info.usageLocation || undefined,
        passwordProfile: { forceChangePassword: true },
      });
      // The user exists now; roles and licences that fail are reported, not rolled back.
      const problems: string[] = [];
      for (const roleId of roleIds) {
        try {
          await addRoleMember(customer.id, roleId, user);
        } catch (e) {
          problems.push(`Role ${roleName(roleId)}: ${describeError(e)}`);
        }
      }
      if (skuIds.size > 0) {
        try {
          await updateLicenses(customer.id, user.id, [...skuIds], []);
        } catch (e) {
          problems.push(`Licenses: ${describeError(e)}`);
        }
      }
      setWarnings(problems);
      setCreated((c) => [...c, user]);
      setStep('done');
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const roleName = (id: string) => (roles.status === 'ready' ? roles.value.find((r) => r.id === id)?.name : undefined) ?? id;
  const skuName = (id: string) => (skus.status === 'ready' ? skus.value.find((s) => s.productSku.id === id)?.productSku.name : undefined) ?? id;

  const close = () => onClose(created.length ? created.map((u) => u.userPrincipalName).join(', ') : undefined);

  return (
    <Dialog open modalType="modal" onOpenChange={(_, d) => !d.open && !busy && close()}>
      <DialogSurface aria-describedby={undefined}>
        <DialogBody>
          <DialogTitle>Add user</DialogTitle>
          <DialogContent className={styles.body}>
            <ol className={styles.steps} aria-label="Steps">
              {stepLabels.map((s, i) => (
                <li key={s.step} className={s.step === step ? styles.current : styles.step} aria-current={s.step === step ? 'step' : undefined}>
                  {i + 1}. {s.label}
                </li>
              ))}
            </ol>
            {error && <ErrorBar title="The user was not added" message={error} />}
            {step === 'info' && <UserInfoFields info={info} domains={domains} onChange={setInfo} showProblems={showProblems} />}
            {step === 'roles' && <RolesPicker roles={roles} selected={roleIds} onChange={setRoleIds} />}
            {step === 'licenses' && <LicensesPicker skus={skus} selected={skuIds} hasUsageLocation={info.usageLocation !== ''} onChange={setSkuIds} />}
            {step === 'review' && (
              <dl className={styles.review} aria-label="Review">
                <dt>Display name</dt>
                <dd>{info.displayName.trim()}</dd>
                <dt>User name</dt>
                <dd>{upn}</dd>
                <dt>First name</dt>
                <dd>{info.firstName.trim() || '—'}</dd>
                <dt>Last name</dt>
                <dd>{info.lastName.trim() || '—'}</dd>
                <dt>Usage location</dt>
                <dd>{countries.find((c) => c.code === info.usageLocation)?.name ?? '—'}</dd>
                <dt>Roles</dt>
                <dd>{roleIds.size ? [...roleIds].map(roleName).join(', ') : 'None (user)'}</dd>
                <dt>Licenses</dt>
                <dd>{skuIds.size ? [...skuIds].map(skuName).join(', ') : 'None'}</dd>
                <dt>Password</dt>
                <dd>A temporary password, to change at first sign-in</dd>
              </dl>
            )}
            {step === 'done' && last && (
              <>
                <MessageBar intent="success" role="status">
                  <MessageBarBody>
                    {last.displayName} ({last.userPrincipalName}) was added.
                  </MessageBarBody>
                </MessageBar>
                {warnings.length > 0 && <ErrorBar title="The user was added, but not everything was applied" message={warnings.join('\n')} />}
                <Text weight="semibold">Temporary password</Text>
                <SecretValue label="Temporary password" value={last.passwordProfile?.password ?? ''} />
                <Text size={200}>
                  This is the only time the password is shown. Copy it now and give it to the user, who must change it at first sign-in.
                </Text>
              </>
            )}
          </DialogContent>
          <DialogActions fluid>
            {step === 'info' && (
              <>
                <Button onClick={close}>Cancel</Button>
                <Button appearance="primary" onClick={next}>
                  Next
                </Button>
              </>
            )}
            {(step === 'roles' || step === 'licenses') && (
              <>
                <Button onClick={() => setStep(step === 'roles' ? 'info' : 'roles')}>Back</Button>
                <Button appearance="primary" onClick={() => setStep(step === 'roles' ? 'licenses' : 'review')}>
                  Next
                </Button>
              </>
            )}
            {step === 'review' && (
              <>
                <Button onClick={() => setStep('licenses')} disabledFocusable={busy}>
                  Back
                </Button>
                <Button appearance="primary" onClick={complete} disabledFocusable={busy} icon={busy ? <Spinner size="tiny" /> : undefined}>
                  {busy ? 'Adding…' : 'Complete'}
                </Button>
              </>
            )}
            {step === 'done' && (
              <>
                <Button
                  onClick={() => {
                    setInfo(emptyInfo(info.domain));
                    setRoleIds(new Set());
                    setSkuIds(new Set());
                    setWarnings([]);
                    setShowProblems(false);
                    setStep('info');
                  }}
                >
                  Add another user
                </Button>
                <Button appearance="primary" onClick={close}>
                  Close
                </Button>
              </>
            )}
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
