/**
 * The partner's customers: search by company name or domain prefix, keyset paging, open one.
 */
import {
  makeStyles,
  Select,
  Skeleton,
  SkeletonItem,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Title2,
  tokens,
} from '@fluentui/react-components';
import { filters } from '@tenantry/sdk';
import { navigate, useLocation, withQuery } from '../app/router';
import { useSeekPage } from '../app/use-seek-page';
import { partner } from '../api/partner';
import { AppLink } from '../components/AppLink';
import { ErrorBar } from '../components/ErrorBar';
import { Pager } from '../components/Pager';
import { SearchBox } from '../components/SearchBox';

const pageSize = 20;

const useStyles = makeStyles({
  toolbar: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center', margin: `${tokens.spacingVerticalM} 0` },
  table: { minWidth: '560px' },
  scroll: { overflowX: 'auto' },
  hideNarrow: { '@media (max-width: 640px)': { display: 'none' } },
});

/**
 * @example
 * <CustomersPage /> // at /customers?q=con&by=domain
 */
export function CustomersPage() {
  const styles = useStyles();
  const { params } = useLocation();
  const q = params.get('q') ?? '';
  const by = params.get('by') === 'domain' ? 'domain' : 'name';
  const paging = useSeekPage(`${by}|${q}`, (at, signal) =>
    at
      ? partner.customers.query({ continuationToken: at }, { signal })
      : partner.customers.query({ size: pageSize, filter: q ? filters.startsWith(by === 'domain' ? 'Domain' : 'CompanyName', q) : undefined }, { signal }),
  );
  const setQuery = (next: { q?: string; by?: string }) => navigate(withQuery('/customers', { q, by: by === 'name' ? undefined : by, ...next }));
  const { state } = paging;
  const items = state.page?.items ?? [];

  return (
    <section aria-labelledby="customers-title">
      <Title2 as="h1" id="customers-title">
        Customers
      </Title2>
      <div className={styles.toolbar} role="search">
        <Select aria-label="Search by" value={by} onChange={(_, d) => setQuery({ by: d.value === 'domain' ? 'domain' : undefined })}>
          <option value="name">Company name</option>
          <option value="domain">Domain</option>
        </Select>
        <SearchBox
          label={by === 'domain' ? 'Search customers by domain' : 'Search customers by company name'}
          placeholder={by === 'domain' ? 'Domain starts with…' : 'Company name starts with…'}
          value={q}
          onSearch={(v) => setQuery({ q: v || undefined })}
        />
      </div>
      {state.status === 'error' && <ErrorBar title="Customers could not be loaded" message={state.error} onRetry={paging.reload} />}
      <div className={styles.scroll}>
        <Table aria-label="Customers" aria-busy={state.status === 'loading'} className={styles.table}>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Company name</TableHeaderCell>
              <TableHeaderCell>Domain</TableHeaderCell>
              <TableHeaderCell className={styles.hideNarrow}>Tenant id</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {state.status === 'loading' && items.length === 0 &&
              [0, 1, 2].map((i) => (
                <TableRow key={i} aria-hidden>
                  <TableCell colSpan={3}>
                    <Skeleton>
                      <SkeletonItem />
                    </Skeleton>
                  </TableCell>
                </TableRow>
              ))}
            {items.map((c) => (
              <TableRow key={c.id}>
                <TableCell>
                  <AppLink href={`/customers/${c.id}/users`}>{c.companyProfile.companyName}</AppLink>
                </TableCell>
                <TableCell>{c.companyProfile.domain}</TableCell>
                <TableCell className={styles.hideNarrow}>
                  <Text font="monospace" size={200}>
                    {c.id}
                  </Text>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      {state.status === 'ready' && items.length === 0 && (
        <Text as="p" block role="status" style={{ padding: tokens.spacingVerticalL }}>
          {q ? `No customer's ${by === 'domain' ? 'domain' : 'company name'} starts with “${q}”.` : 'You have no customers yet.'}
        </Text>
      )}
      <Pager
        label="Customers"
        pageNumber={paging.pageNumber}
        hasPrevious={paging.hasPrevious}
        hasNext={paging.hasNext}
        busy={state.status === 'loading'}
        onPrevious={paging.previous}
        onNext={paging.next}
      />
    </section>
  );
}
