/**
 * Customers › (customer) › Users and licenses: the users table with server-side search, sort and
 * keyset paging, multi-select, and the actions on the selection. The URL holds view, search,
 * sort and position.
 */
import {
  Badge,
  Breadcrumb,
  BreadcrumbButton,
  BreadcrumbDivider,
  BreadcrumbItem,
  Checkbox,
  makeStyles,
  mergeClasses,
  MessageBar,
  MessageBarBody,
  Select,
  Skeleton,
  SkeletonItem,
  Spinner,
  Tab,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  TabList,
  Text,
  Title2,
  Toolbar,
  ToolbarButton,
  tokens,
} from '@fluentui/react-components';
import {
  ArrowCounterclockwiseRegular,
  ArrowUploadRegular,
  DeleteRegular,
  EditRegular,
  KeyResetRegular,
  PersonAddRegular,
} from '@fluentui/react-icons';
import type { Customer, CustomerUser } from '@tenantry/sdk';
import { memo, useCallback, useEffect, useMemo, useState } from 'react';
import { navigate, useLocation, withQuery } from '../app/router';
import { useSeekPage } from '../app/use-seek-page';
import { describeError, partner } from '../api/partner';
import { ErrorBar } from '../components/ErrorBar';
import { Pager } from '../components/Pager';
import { SearchBox } from '../components/SearchBox';
import { AddUserWizard } from '../users/AddUserWizard';
import { DeleteUsersDialog } from '../users/DeleteUsersDialog';
import { EditUserDialog } from '../users/EditUserDialog';
import { ResetPasswordDialog } from '../users/ResetPasswordDialog';
import { UploadUsersDialog } from '../users/UploadUsersDialog';
import { can } from '../session/permissions';
import { useUserLicenses, type LicenseValue } from '../users/use-user-licenses';
import { readUserListParams, toCollectionQuery, userListQueryString, usersPageSize, type UserListParams, type UserSort } from '../users/user-query';

const useStyles = makeStyles({
  heading: { display: 'flex', alignItems: 'baseline', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  bar: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center', justifyContent: 'space-between', margin: `${tokens.spacingVerticalS} 0` },
  toolbar: { flexWrap: 'wrap', paddingLeft: 0 },
  scroll: { overflowX: 'auto' },
  // Auto layout sizes columns to their content (long user names) and the wrapper scrolls sideways on narrow screens.
  table: { minWidth: '720px', tableLayout: 'auto' },
  // The previous page stays on screen while the next loads (no jump), dimmed so the wait is visible.
  stale: { opacity: 0.55, transitionProperty: 'opacity', transitionDuration: tokens.durationNormal },
  selectCell: { width: '44px' },
  sortButton: {
    background: 'none',
    border: 'none',
    padding: 0,
    font: 'inherit',
    color: 'inherit',
    cursor: 'pointer',
    fontWeight: tokens.fontWeightSemibold,
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, borderRadius: tokens.borderRadiusSmall },
  },
  upn: { whiteSpace: 'nowrap' },
  name: { minWidth: '160px' },
  empty: { padding: tokens.spacingVerticalL },
  search: { display: 'flex', gap: tokens.spacingHorizontalXS, alignItems: 'center', flexWrap: 'wrap' },
  searchMode: { minWidth: '120px' },
  messages: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, marginBottom: tokens.spacingVerticalS },
});

type Dialog = 'add' | 'upload' | 'edit' | 'reset' | 'delete' | undefined;

function formatDate(iso: string | undefined) {
  return iso ? new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }) : '';
}

/**
 * @example
 * <UsersPage customerId="4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04" />
 */
export function UsersPage({ customerId }: { customerId: string }) {
  const styles = useStyles();
  const location = useLocation();
  const view = readUserListParams(location.params);
  const users = useMemo(() => partner.customers.byId(customerId).users, [customerId]);
  const [customer, setCustomer] = useState<Customer>();
  const [customerError, setCustomerError] = useState<string>();
  const [deletedCount, setDeletedCount] = useState<string>();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [dialog, setDialog] = useState<Dialog>();
  const [notice, setNotice] = useState<string>();
  const [actionError, setActionError] = useState<string>();
  const [restoring, setRestoring] = useState(false);

  const paging = useSeekPage(`${customerId}|${view.view}|${view.q}|${view.match}|${view.sort}|${view.dir}`, (at, signal) =>
    // Filled: a page of a one- or two-letter search may come back short (even empty) with more to read.
    users.queryFilled(at ? { continuationToken: at } : toCollectionQuery(view), usersPageSize, { signal }),
  );
  const { state } = paging;
  const items = state.page?.items ?? [];
  const licenses = useUserLicenses(customerId, state.status === 'ready' ? state.page.items : undefined, view.view === 'active');

  useEffect(() => {
    partner.customers.byId(customerId).get().then(setCustomer, (e) => setCustomerError(describeError(e)));
  }, [customerId]);

  // The "Deleted users (n)" badge: the server's count (a list's totalCount is only its page's size).
  const refreshDeletedCount = useCallback(() => {
    users.count('inactive').then(
      (n) => setDeletedCount(n.toLocaleString('en-US')),
      () => setDeletedCount(undefined),
    );
  }, [users]);
  useEffect(refreshDeletedCount, [refreshDeletedCount]);

  // A new page or view starts with nothing selected.
  useEffect(() => setSelected(new Set()), [state.page]);

  const setView = (next: Partial<UserListParams>) =>
    navigate(withQuery(`/customers/${customerId}/users`, userListQueryString({ ...view, ...next })));
  const sortBy = (field: UserSort) =>
    setView({ sort: field, dir: view.sort === field && view.dir === 'asc' ? 'desc' : 'asc', q: view.sort === field ? view.q : '' });

  const selectedUsers = items.filter((u) => selected.has(u.id));
  const allSelected = items.length > 0 && selectedUsers.length === items.length;
  // Stable, so memoized rows re-render only when their own data changes.
  const toggle = useCallback(
    (id: string) =>
      setSelected((s) => {
        const n = new Set(s);
        if (n.has(id)) n.delete(id);
        else n.add(id);
        return n;
      }),
    [],
  );

  const afterChange = (message?: string) => {
    setDialog(undefined);
    if (message) setNotice(message);
    setActionError(undefined);
    paging.reload();
    refreshDeletedCount();
  };

  const restore = async () => {
    setRestoring(true);
    setActionError(undefined);
    const failures: string[] = [];
    let restored = 0;
    for (const u of selectedUsers) {
      try {
        await users.byId(u.id).restore();
        restored++;
      } catch (e) {
        failures.push(`${u.userPrincipalName}: ${describeError(e)}`);
      }
    }
    setRestoring(false);
    afterChange(restored ? `Restored ${restored} user${restored === 1 ? '' : 's'}.` : undefined);
    if (failures.length) setActionError(failures.join('\n'));
  };

  const sortHeader = (field: UserSort, label: string) => (
    <TableHeaderCell
      sortDirection={view.sort === field ? (view.dir === 'asc' ? 'ascending' : 'descending') : undefined}
      aria-sort={view.sort === field ? (view.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
    >
      <button type="button" className={styles.sortButton} onClick={() => sortBy(field)} title={`Sort by ${label.toLowerCase()}`}>
        {label}
      </button>
    </TableHeaderCell>
  );

  const deleted = view.view === 'deleted';
  const readOnly = !can('users.create') && !can('users.update') && !can('users.delete');
  const searchLabel = view.sort === 'userPrincipalName' ? 'user name' : 'display name';
  const companyName = customer?.companyProfile.companyName;
  const domain = customer?.companyProfile.domain;

  return (
    <section aria-labelledby="users-title">
      <Breadcrumb aria-label="Breadcrumb">
        <BreadcrumbItem>
          <BreadcrumbButton href="/customers" onClick={(e) => (e.preventDefault(), navigate('/customers'))}>
            Customers
          </BreadcrumbButton>
        </BreadcrumbItem>
        <BreadcrumbDivider />
        <BreadcrumbItem>
          <BreadcrumbButton current>{companyName ?? customerId}</BreadcrumbButton>
        </BreadcrumbItem>
      </Breadcrumb>
      <div className={styles.heading}>
        <Title2 as="h1" id="users-title">
          Users and licenses
        </Title2>
        {domain && <Text>{domain}</Text>}
      </div>
      {customerError && <ErrorBar title="This customer could not be opened" message={customerError} />}

      <TabList selectedValue={view.view} onTabSelect={(_, d) => setView({ view: d.value === 'deleted' ? 'deleted' : 'active', q: '' })}>
        <Tab value="active">Users</Tab>
        <Tab value="deleted">Deleted users{deletedCount !== undefined ? ` (${deletedCount})` : ''}</Tab>
      </TabList>

      <div className={styles.bar}>
        <Toolbar aria-label="User actions" className={styles.toolbar}>
          {!deleted && (
            <>
              <ToolbarButton icon={<PersonAddRegular />} disabled={!can('users.create')} onClick={() => setDialog('add')}>
                Add user
              </ToolbarButton>
              <ToolbarButton icon={<ArrowUploadRegular />} disabled={!can('users.create')} onClick={() => setDialog('upload')}>
                Upload users
              </ToolbarButton>
              <ToolbarButton icon={<EditRegular />} disabled={selectedUsers.length !== 1 || !can('users.update')} onClick={() => setDialog('edit')}>
                Edit
              </ToolbarButton>
              <ToolbarButton icon={<KeyResetRegular />} disabled={selectedUsers.length !== 1 || !can('users.resetPassword')} onClick={() => setDialog('reset')}>
                Reset password
              </ToolbarButton>
              <ToolbarButton icon={<DeleteRegular />} disabled={selectedUsers.length === 0 || !can('users.delete')} onClick={() => setDialog('delete')}>
                Delete{selectedUsers.length > 1 ? ` (${selectedUsers.length})` : ''}
              </ToolbarButton>
            </>
          )}
          {deleted && (
            <ToolbarButton
              icon={restoring ? <Spinner size="tiny" /> : <ArrowCounterclockwiseRegular />}
              disabled={selectedUsers.length === 0 || restoring || !can('users.restore')}
              onClick={restore}
            >
              Restore{selectedUsers.length > 1 ? ` (${selectedUsers.length})` : ''}
            </ToolbarButton>
          )}
        </Toolbar>
        <div role="search" className={styles.search}>
          <Select
            aria-label="Search mode"
            value={view.match}
            onChange={(_, d) => setView({ match: d.value === 'startsWith' ? 'startsWith' : 'contains' })}
            className={styles.searchMode}
          >
            <option value="contains">Contains</option>
            <option value="startsWith">Starts with</option>
          </Select>
          <SearchBox
            label={`Search users by ${searchLabel}`}
            placeholder={`${searchLabel[0].toUpperCase()}${searchLabel.slice(1)} ${view.match === 'startsWith' ? 'starts with' : 'contains'}…`}
            value={view.q}
            onSearch={(q) => setView({ q })}
          />
        </div>
      </div>

      <div className={styles.messages}>
        {notice && (
          <MessageBar intent="success" role="status">
            <MessageBarBody>{notice}</MessageBarBody>
          </MessageBar>
        )}
        {actionError && <ErrorBar title="Some changes failed" message={actionError} />}
        {state.status === 'error' && (
          <ErrorBar
            title="Users could not be loaded"
            message={state.error}
            onRetry={location.params.get('at') ? paging.first : paging.reload}
          />
        )}
        {readOnly && (
          <MessageBar intent="info">
            <MessageBarBody>Your role does not allow adding, editing or deleting users.</MessageBarBody>
          </MessageBar>
        )}
        {deleted && (
          <Text size={200}>Deleted users can be restored for 30 days after deletion.</Text>
        )}
      </div>

      <div className={styles.scroll}>
        <Table aria-label={deleted ? 'Deleted users' : 'Users'} aria-busy={state.status === 'loading'} className={mergeClasses(styles.table, state.status === 'loading' && items.length > 0 && styles.stale)} size="medium">
          <TableHeader>
            <TableRow>
              <TableHeaderCell className={styles.selectCell}>
                <Checkbox
                  aria-label="Select all users on this page"
                  checked={allSelected ? true : selectedUsers.length > 0 ? 'mixed' : false}
                  disabled={items.length === 0}
                  onChange={() => setSelected(allSelected ? new Set() : new Set(items.map((u) => u.id)))}
                />
              </TableHeaderCell>
              {sortHeader('displayName', 'Display name')}
              {sortHeader('userPrincipalName', 'User name')}
              <TableHeaderCell>State</TableHeaderCell>
              <TableHeaderCell>Licenses</TableHeaderCell>
              <TableHeaderCell>Usage location</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {state.status === 'loading' && items.length === 0 &&
              [0, 1, 2, 3].map((i) => (
                <TableRow key={i} aria-hidden>
                  <TableCell colSpan={6}>
                    <Skeleton>
                      <SkeletonItem />
                    </Skeleton>
                  </TableCell>
                </TableRow>
              ))}
            {items.map((u) => (
              <UserRow key={u.id} user={u} licenseNames={licenses.get(u.id)} selected={selected.has(u.id)} onToggle={toggle} upnClass={styles.upn} nameClass={styles.name} />
            ))}
          </TableBody>
        </Table>
      </div>
      {state.status === 'ready' && items.length === 0 && (
        <Text as="p" block role="status" className={styles.empty}>
          {view.q
            ? `No ${deleted ? 'deleted ' : ''}user's ${searchLabel} ${view.match === 'startsWith' ? 'starts with' : 'contains'} “${view.q}”.`
            : deleted
              ? 'There are no deleted users.'
              : 'This customer has no users yet. Add one, or upload many from a CSV file.'}
        </Text>
      )}
      <Pager
        label="Users"
        pageNumber={paging.pageNumber}
        hasPrevious={paging.hasPrevious}
        hasNext={paging.hasNext}
        busy={state.status === 'loading'}
        onPrevious={paging.previous}
        onNext={paging.next}
      />

      {dialog === 'add' && customer && <AddUserWizard customer={customer} onClose={(added) => afterChange(added ? `Added ${added}.` : undefined)} />}
      {dialog === 'upload' && customer && <UploadUsersDialog customer={customer} onClose={(n) => afterChange(n ? `Uploaded ${n} user${n === 1 ? '' : 's'}.` : undefined)} />}
      {dialog === 'edit' && selectedUsers[0] && customer && (
        <EditUserDialog customer={customer} user={selectedUsers[0]} onClose={(saved) => afterChange(saved ? `Saved ${saved}.` : undefined)} />
      )}
      {dialog === 'reset' && selectedUsers[0] && (
        <ResetPasswordDialog customerId={customerId} user={selectedUsers[0]} onClose={() => afterChange()} />
      )}
      {dialog === 'delete' && selectedUsers.length > 0 && (
        <DeleteUsersDialog customerId={customerId} users={selectedUsers} onClose={(n) => afterChange(n ? `Deleted ${n} user${n === 1 ? '' : 's'}. You can restore them from Deleted users for 30 days.` : undefined)} />
      )}
    </section>
  );
}

function LicenseCell({ names, deleted }: { names: LicenseValue | undefined; deleted: boolean }) {
  if (deleted) return <Text size={200}>—</Text>;
  if (names === undefined) return <Spinner size="extra-tiny" aria-label="Loading licenses" />;
  if (names === 'error') return <Text size={200}>Unavailable</Text>;
  if (names === 'throttled') return <Text size={200} title="Not loaded: the request budget is used up for now. Reload the page in a minute.">Not loaded</Text>;
  if (names.length === 0) return <Text size={200}>Unlicensed</Text>;
  return <Text size={200}>{names.join(', ')}</Text>;
}

const UserRow = memo(function UserRow(props: {
  user: CustomerUser;
  licenseNames: LicenseValue | undefined;
  selected: boolean;
  onToggle: (id: string) => void;
  upnClass: string;
  nameClass: string;
}) {
  const { user, licenseNames, selected, onToggle, upnClass, nameClass } = props;
  return (
    <TableRow aria-selected={selected}>
      <TableCell>
        <Checkbox aria-label={`Select ${user.displayName}`} checked={selected} onChange={() => onToggle(user.id)} />
      </TableCell>
      <TableCell className={nameClass}>{user.displayName}</TableCell>
      <TableCell className={upnClass}>{user.userPrincipalName}</TableCell>
      <TableCell>
        {user.state === 'active' ? (
          <Badge appearance="tint" color="success">
            Active
          </Badge>
        ) : (
          <Badge appearance="tint" color="danger" title={user.softDeletionTime}>
            Deleted {formatDate(user.softDeletionTime)}
          </Badge>
        )}
      </TableCell>
      <TableCell>
        <LicenseCell names={licenseNames} deleted={user.state !== 'active'} />
      </TableCell>
      <TableCell>{user.usageLocation ?? ''}</TableCell>
    </TableRow>
  );
});
