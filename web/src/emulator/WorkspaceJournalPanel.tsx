/**
 * A workspace's request journal: the recorded requests newest first, filtered by request id,
 * correlation id, status, route and since as the control plane filters them, keyset-paged with
 * "Load more" (following links.next), a HAR download of the same filter, the client report, and
 * one request with its answer in a dialog.
 */
import { Button, Field, Input, makeStyles, Select, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, Title3, tokens } from '@fluentui/react-components';
import { PartnerError, type ClientReport, type FaultRule, type JournalEntry, type JournalFilter, type JournalPage, type WorkspaceOperations } from '@tenantry/sdk';
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError } from '../api/partner';
import { ErrorBar } from '../components/ErrorBar';
import { JournalEntryDialog } from './JournalEntryDialog';

const useStyles = makeStyles({
  panel: { display: 'flex', flexDirection: 'column', alignItems: 'flex-start', gap: tokens.spacingVerticalXS, minWidth: 0, marginTop: tokens.spacingVerticalXXL },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'end', flexWrap: 'wrap', margin: `${tokens.spacingVerticalS} 0` },
  scroll: { overflowX: 'auto', alignSelf: 'stretch' },
  table: { tableLayout: 'auto' },
  path: { overflowWrap: 'anywhere', fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  nowrap: { whiteSpace: 'nowrap' },
  example: { minWidth: 0 },
  report: { alignSelf: 'stretch', marginTop: tokens.spacingVerticalXL },
  error: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
});

const pageSizes = ['10', '25', '50', '100', '500'];

interface FilterForm {
  requestId: string;
  correlationId: string;
  status: string;
  route: string;
  since: string;
  size: string;
}

const emptyForm: FilterForm = { requestId: '', correlationId: '', status: '', route: '', since: '', size: '50' };

/** The form as the SDK's filter; empty fields filter nothing. The server checks what is left. */
function filterOf(f: FilterForm): JournalFilter {
  const text = (v: string) => v.trim() || undefined;
  return {
    requestId: text(f.requestId),
    correlationId: text(f.correlationId),
    status: f.status.trim() ? Number(f.status.trim()) : undefined,
    route: text(f.route),
    since: text(f.since),
    size: Number(f.size),
  };
}

interface Loaded {
  items: JournalEntry[];
  totalCount: number;
  /** The last page read, whose links.next "Load more" follows. */
  last: JournalPage;
}

/**
 * @example
 * <WorkspaceJournalPanel workspaceId={id} workspace={client.workspaces.byId(id)} run={run} />
 */
export function WorkspaceJournalPanel({ workspaceId, workspace, run }: { workspaceId: string; workspace: WorkspaceOperations; run: (action: () => Promise<unknown>) => Promise<void> }) {
  const styles = useStyles();
  const [form, setForm] = useState<FilterForm>(emptyForm);
  const [applied, setApplied] = useState<JournalFilter>(() => filterOf(emptyForm));
  const [loaded, setLoaded] = useState<Loaded>();
  const [report, setReport] = useState<ClientReport>();
  const [busy, setBusy] = useState(false);
  // The last entry shown stays set while the dialog closes (see JournalEntryDialog).
  const [shown, setShown] = useState<JournalEntry>();
  const [open, setOpen] = useState(false);
  const [rules, setRules] = useState<FaultRule[]>();
  const [filterError, setFilterError] = useState<string>();
  // Only the newest read may fill the table: an older one answering late would show the wrong filter.
  const reads = useRef(0);

  const load = useCallback(
    (filter: JournalFilter) =>
      run(async () => {
        const read = ++reads.current;
        setBusy(true);
        setFilterError(undefined);
        try {
          const [first, checks] = await Promise.all([workspace.requests.list(filter), workspace.clientReport()]);
          if (read !== reads.current) return;
          setLoaded({ items: first.items, totalCount: first.totalCount, last: first });
          setReport(checks);
        } catch (err) {
          if (read !== reads.current) return;
          // A refused filter is shown here, next to the fields; anything else goes to the page's error bar.
          if (err instanceof PartnerError && err.status === 400) return setFilterError(describeError(err));
          throw err;
        } finally {
          if (read === reads.current) setBusy(false);
        }
      }),
    [workspace, run],
  );
  useEffect(() => void load(applied), [load, applied]);

  const loadMore = () =>
    run(async () => {
      if (!loaded) return;
      setBusy(true);
      try {
        const read = reads.current;
        const next = await workspace.requests.next(loaded.last);
        if (next && read === reads.current) setLoaded({ items: [...loaded.items, ...next.items], totalCount: next.totalCount, last: next });
      } finally {
        setBusy(false);
      }
    });

  const show = (entry: JournalEntry) => {
    setShown(entry);
    setOpen(true);
    // The rule's match and effect explain the fault; it may have been removed since.
    setRules(undefined);
    if (entry.faultRuleId && entry.faultRuleId !== 'header') void run(async () => setRules((await workspace.faults.list()).items));
  };
  const showById = (entryId: string) => run(async () => show(await workspace.requests.get(entryId)));

  const downloadHar = () =>
    run(async () => {
      // The control plane wants the admin token in a header, which a plain link cannot send: fetch, then save.
      const { size: _size, ...filter } = applied;
      const har = await workspace.requests.har(filter);
      const url = URL.createObjectURL(new Blob([JSON.stringify(har, null, 2)], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `tenantry-${workspaceId}.har`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    });

  const field = (key: keyof FilterForm) => ({ value: form[key], onChange: (_: unknown, d: { value: string }) => setForm({ ...form, [key]: d.value }) });

  return (
    <section className={styles.panel} aria-label="Request journal">
      <Title3 as="h3">Request journal</Title3>
      <form
        className={styles.row}
        aria-label="Journal filters"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(filterOf(form));
        }}
      >
        <Field label="Request id">
          <Input {...field('requestId')} />
        </Field>
        <Field label="Correlation id">
          <Input {...field('correlationId')} />
        </Field>
        <Field label="Status" hint="e.g. 429">
          <Input {...field('status')} inputMode="numeric" size="small" style={{ width: '6em' }} />
        </Field>
        <Field label="Route" hint="e.g. users.list">
          <Input {...field('route')} />
        </Field>
        <Field label="Since" hint="Workspace time, UTC ISO-8601">
          <Input {...field('since')} />
        </Field>
        <Field label="Page size">
          <Select value={form.size} onChange={(_, d) => setForm({ ...form, size: d.value })}>
            {pageSizes.map((s) => <option key={s} value={s}>{s}</option>)}
          </Select>
        </Field>
        <Button type="submit" appearance="primary">Apply filters</Button>
        <Button
          onClick={() => {
            setForm(emptyForm);
            setApplied(filterOf(emptyForm));
          }}
        >
          Clear filters
        </Button>
      </form>
      {filterError && <ErrorBar title="The journal could not be read" message={filterError} />}
      <div className={styles.row}>
        <Button onClick={() => load(applied)} disabled={busy}>Refresh</Button>
        <Button onClick={downloadHar}>Download HAR</Button>
        <Text aria-live="polite" data-testid="journal-count">
          {loaded ? `Showing ${loaded.items.length} of ${loaded.totalCount} requests` : 'Loading…'}
        </Text>
      </div>
      <div className={styles.scroll}>
        <Table className={styles.table} aria-label="Recorded requests" aria-busy={loaded === undefined} size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Time (workspace)</TableHeaderCell>
              <TableHeaderCell>Method</TableHeaderCell>
              <TableHeaderCell>Path</TableHeaderCell>
              <TableHeaderCell>Status</TableHeaderCell>
              <TableHeaderCell>Duration</TableHeaderCell>
              <TableHeaderCell>Route</TableHeaderCell>
              <TableHeaderCell>Fault rule</TableHeaderCell>
              <TableHeaderCell>Client checks</TableHeaderCell>
              <TableHeaderCell />
            </TableRow>
          </TableHeader>
          <TableBody>
            {loaded?.items.map((e) => {
              const query = new URLSearchParams(e.query).toString();
              return (
                <TableRow key={e.id}>
                  <TableCell className={styles.nowrap}>{e.time}</TableCell>
                  <TableCell>{e.method}</TableCell>
                  <TableCell className={styles.path}>{query ? `${e.path}?${query}` : e.path}</TableCell>
                  <TableCell className={e.status === 0 || e.status >= 400 ? styles.error : undefined}>{e.status === 0 ? 'no answer' : e.status}</TableCell>
                  <TableCell className={styles.nowrap}>{e.durationMs} ms</TableCell>
                  <TableCell>{e.operation ?? ''}</TableCell>
                  <TableCell>{e.faultRuleId ?? ''}</TableCell>
                  <TableCell>{e.checks.map((c) => c.check).join(', ')}</TableCell>
                  <TableCell>
                    <Button size="small" aria-label={`Details of ${e.method} ${e.path} at ${e.time}`} onClick={() => show(e)}>Details</Button>
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
        {loaded?.items.length === 0 && <Text as="p" block>No recorded requests{Object.values(applied).filter((v) => v !== undefined).length > 1 ? ' match these filters' : ' yet: requests to /v1 with a token of this workspace show here'}.</Text>}
      </div>
      {loaded?.last.links.next && (
        <Button onClick={loadMore} disabled={busy}>Load more</Button>
      )}
      <section className={styles.report} aria-label="Client report">
        <Title3 as="h3">Client report</Title3>
        {report && report.checks.length === 0 && <Text as="p" block>No client checks tripped in the recorded requests.</Text>}
        {report && report.checks.length > 0 && (
          <div className={styles.scroll}>
            <Table className={styles.table} aria-label="Client checks" size="small">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Check</TableHeaderCell>
                  <TableHeaderCell>Count</TableHeaderCell>
                  <TableHeaderCell>What to do instead</TableHeaderCell>
                  <TableHeaderCell>Last seen (workspace)</TableHeaderCell>
                  <TableHeaderCell>Examples</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {report.checks.map((c) => (
                  <TableRow key={c.check}>
                    <TableCell>{c.check}</TableCell>
                    <TableCell>{c.count}</TableCell>
                    <TableCell>{c.explanation}</TableCell>
                    <TableCell className={styles.nowrap}>{c.lastSeenAt}</TableCell>
                    <TableCell>
                      {c.exampleEntryIds.map((id, i) => (
                        <Button key={id} className={styles.example} size="small" appearance="subtle" aria-label={`Example ${i + 1} of ${c.check}`} onClick={() => showById(id)}>
                          {i + 1}
                        </Button>
                      ))}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        )}
      </section>
      <JournalEntryDialog open={open} entry={shown} rules={rules} onClose={() => setOpen(false)} />
    </section>
  );
}
