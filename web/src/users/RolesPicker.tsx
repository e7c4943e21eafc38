/**
 * The directory roles a user holds (Partner Center's "permissions" step), as checkboxes.
 */
import { Checkbox, makeStyles, Skeleton, SkeletonItem, Text, tokens } from '@fluentui/react-components';
import type { AsyncState } from '../app/use-async';
import type { DirectoryRole } from '../api/licensing';
import { ErrorBar } from '../components/ErrorBar';

const useStyles = makeStyles({
  list: { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(240px, 1fr))', gap: `0 ${tokens.spacingHorizontalM}`, maxHeight: '45vh', overflowY: 'auto' },
});

/**
 * @example
 * <RolesPicker roles={roles} selected={roleIds} onChange={setRoleIds} />
 */
export function RolesPicker({ roles, selected, onChange }: { roles: AsyncState<DirectoryRole[]>; selected: Set<string>; onChange: (next: Set<string>) => void }) {
  const styles = useStyles();
  if (roles.status === 'loading')
    return (
      <Skeleton aria-label="Loading roles">
        <SkeletonItem />
        <SkeletonItem />
      </Skeleton>
    );
  if (roles.status === 'error') return <ErrorBar title="Roles could not be loaded" message={roles.error} />;
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    onChange(next);
  };
  return (
    <fieldset style={{ border: 'none', margin: 0, padding: 0 }}>
      <legend>
        <Text>Administrator roles. Leave all unchecked for a user without administrator access.</Text>
      </legend>
      <div className={styles.list}>
        {roles.value.map((r) => (
          <Checkbox key={r.id} label={r.name} checked={selected.has(r.id)} onChange={() => toggle(r.id)} />
        ))}
      </div>
    </fieldset>
  );
}
