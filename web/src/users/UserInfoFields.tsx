/**
 * The user information form shared by Add user and Edit: names, user name with the customer's
 * domains, usage location.
 */
import { Dropdown, Field, Input, makeStyles, Option, Select, tokens } from '@fluentui/react-components';
import { countryCodes } from '../../../src/domain/country-codes';

export interface UserInfo {
  firstName: string;
  lastName: string;
  displayName: string;
  alias: string;
  domain: string;
  usageLocation: string;
}

const useStyles = makeStyles({
  // `start`: a field stays its own height next to a taller one (a stretched Input moves its box away from its label).
  // `min(200px, 100%)` and `minWidth: 0`: a long domain shrinks its select instead of widening the column past the dialog.
  grid: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(min(200px, 100%), 1fr))', gap: tokens.spacingVerticalM, alignItems: 'start', '& > *': { minWidth: 0 } },
  // The user name takes the whole row: name, @ and domain side by side while they fit.
  upnField: { gridColumn: '1 / -1' },
  upn: { display: 'flex', gap: tokens.spacingHorizontalXS, alignItems: 'center', flexWrap: 'wrap', minWidth: 0 },
  alias: { flex: '1 1 140px', minWidth: 0 },
  domain: { flex: '1 1 200px', minWidth: 0, maxWidth: '100%' },
});

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
/** Countries by name, for the usage location list. */
export const countries = [...countryCodes]
  .map((code) => ({ code, name: (() => { try { return regionNames.of(code) ?? code; } catch { return code; } })() }))
  .sort((a, b) => a.name.localeCompare(b.name));

/** Field-level problems found before calling the API (the API checks again). */
export function userInfoProblems(info: UserInfo): Partial<Record<keyof UserInfo, string>> {
  const problems: Partial<Record<keyof UserInfo, string>> = {};
  if (!info.displayName.trim()) problems.displayName = 'Enter a display name.';
  if (!info.alias.trim()) problems.alias = 'Enter a user name.';
  else if (!/^[A-Za-z0-9._'+-]+$/.test(info.alias.trim())) problems.alias = "Use letters, digits and . _ - ' + only.";
  if (info.firstName.length > 64) problems.firstName = 'At most 64 characters.';
  if (info.lastName.length > 64) problems.lastName = 'At most 64 characters.';
  return problems;
}

/**
 * @example
 * <UserInfoFields info={info} domains={['contoso.onmicrosoft.com']} onChange={setInfo} showProblems={false} />
 */
export function UserInfoFields({ info, domains, onChange, showProblems }: { info: UserInfo; domains: string[]; onChange: (info: UserInfo) => void; showProblems: boolean }) {
  const styles = useStyles();
  const problems = showProblems ? userInfoProblems(info) : {};
  const set = (patch: Partial<UserInfo>) => onChange({ ...info, ...patch });
  return (
    <div className={styles.grid}>
      <Field label="First name">
        <Input value={info.firstName} onChange={(_, d) => set({ firstName: d.value })} maxLength={64} />
      </Field>
      <Field label="Last name" validationMessage={problems.lastName}>
        <Input value={info.lastName} onChange={(_, d) => set({ lastName: d.value })} maxLength={64} />
      </Field>
      <Field label="Display name" required validationMessage={problems.displayName}>
        <Input value={info.displayName} onChange={(_, d) => set({ displayName: d.value })} maxLength={256} />
      </Field>
      <Field className={styles.upnField} label="User name" required validationMessage={problems.alias} hint={`${info.alias || 'name'}@${info.domain}`}>
        <div className={styles.upn}>
          <Input aria-label="User name (before the @)" value={info.alias} onChange={(_, d) => set({ alias: d.value })} className={styles.alias} />
          <span aria-hidden>@</span>
          <Select aria-label="Domain" value={info.domain} onChange={(_, d) => set({ domain: d.value })} className={styles.domain}>
            {domains.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </Select>
        </div>
      </Field>
      <Field label="Usage location" hint="Needed before licenses can be assigned.">
        <Dropdown
          aria-label="Usage location"
          value={countries.find((c) => c.code === info.usageLocation)?.name ?? ''}
          selectedOptions={info.usageLocation ? [info.usageLocation] : []}
          onOptionSelect={(_, d) => set({ usageLocation: d.optionValue ?? '' })}
          placeholder="Choose a country"
        >
          {countries.map((c) => (
            <Option key={c.code} value={c.code} text={c.name}>
              {c.name}
            </Option>
          ))}
        </Dropdown>
      </Field>
    </div>
  );
}

/** The customer's domains: its initial domain first, then custom domains. */
export function customerDomainList(customer: { companyProfile: { domain: string }; customDomains?: string[] }): string[] {
  return [customer.companyProfile.domain, ...(customer.customDomains ?? []).filter((d) => d !== customer.companyProfile.domain)];
}
