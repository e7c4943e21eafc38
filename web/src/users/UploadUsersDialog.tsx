/**
 * Upload users from CSV: download the template, choose a file, validate (every bad row explained,
 * names already taken included), pick the usage location, save, then download the results with
 * the temporary passwords — shown only now.
 */
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Dropdown,
  Field,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Option,
  ProgressBar,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import { ArrowDownloadRegular } from '@fluentui/react-icons';
import { filters, type Customer } from '@tenantry/sdk';
import { useRef, useState } from 'react';
import { describeError, partner } from '../api/partner';
import { ErrorBar } from '../components/ErrorBar';
import { checkUserCsv, csvResults, csvTemplate, downloadText, maxCsvRows, type CsvCheck, type CsvResult } from './user-csv';
import { countries, customerDomainList } from './UserInfoFields';

const useStyles = makeStyles({
  body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center' },
  tableWrap: { maxHeight: '40vh', overflow: 'auto' },
  table: { tableLayout: 'auto' },
  nowrap: { whiteSpace: 'nowrap' },
  bad: { color: tokens.colorPaletteRedForeground1 },
  surface: { maxWidth: 'min(900px, 100vw - 32px)', width: '100%' },
});

type Phase = 'choose' | 'checking' | 'checked' | 'saving' | 'saved';

/** Runs tasks with at most `limit` in flight, keeping the server and the browser responsive. */
async function inBatches<T>(items: T[], limit: number, task: (item: T, index: number) => Promise<void>, progress?: (done: number) => void) {
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await task(items[i], i);
      progress?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * @example
 * <UploadUsersDialog customer={customer} onClose={(uploaded) => reload()} />
 */
export function UploadUsersDialog({ customer, onClose }: { customer: Customer; onClose: (uploaded?: number) => void }) {
  const styles = useStyles();
  const domains = customerDomainList(customer);
  const users = partner.customers.byId(customer.id).users;
  const fileInput = useRef<HTMLInputElement>(null);
  const [phase, setPhase] = useState<Phase>('choose');
  const [fileName, setFileName] = useState<string>();
  const [check, setCheck] = useState<CsvCheck>();
  const [location, setLocation] = useState('');
  const [progress, setProgress] = useState(0);
  const [results, setResults] = useState<CsvResult[]>([]);
  const [error, setError] = useState<string>();

  const rows = check?.rows ?? [];
  const badRows = rows.filter((r) => r.problems.length > 0);
  const canSave = phase === 'checked' && rows.length > 0 && badRows.length === 0 && location !== '';
  const created = results.filter((r) => r.password).length;

  const validate = async (file: File) => {
    setFileName(file.name);
    setError(undefined);
    setResults([]);
    setPhase('checking');
    const result = checkUserCsv(await file.text(), domains);
    // Names already in use: one exact-match query per well-formed row.
    try {
      await inBatches(result.rows.filter((r) => r.emailValid), 4, async (row) => {
        const page = await users.query({ size: 1, filter: filters.equals('UserPrincipalName', row.email) });
        if (page.items.length > 0) row.problems.push(`a user named ${row.email} already exists`);
      });
    } catch (e) {
      setError(`The names could not be checked: ${describeError(e)}`);
    }
    setCheck({ ...result });
    setPhase('checked');
  };

  const save = async () => {
    setPhase('saving');
    setProgress(0);
    const out: CsvResult[] = rows.map((row) => ({ row, status: 'Not processed' }));
    await inBatches(
      rows,
      4,
      async (row, i) => {
        try {
          const user = await users.create({
            firstName: row.firstName || undefined,
            lastName: row.lastName || undefined,
            displayName: row.displayName,
            userPrincipalName: row.email,
            usageLocation: location,
            passwordProfile: { forceChangePassword: true },
          });
          out[i] = { row, status: 'Created', password: user.passwordProfile?.password };
        } catch (e) {
          out[i] = { row, status: `Failed: ${describeError(e)}` };
        }
      },
      setProgress,
    );
    setResults(out);
    setPhase('saved');
  };

  const close = () => onClose(created || undefined);

  return (
    <Dialog open modalType="modal" onOpenChange={(_, d) => !d.open && phase !== 'saving' && close()}>
      <DialogSurface className={styles.surface}>
        <DialogBody>
          <DialogTitle>Upload users</DialogTitle>
          <DialogContent className={styles.body}>
            {phase !== 'saved' && (
              <>
                <Text>
                  Add up to {maxCsvRows} users from a CSV file. All of them get the same usage location and a temporary password. Emails must end in @
                  {domains.join(' or @')}.
                </Text>
                <div className={styles.row}>
                  <Button icon={<ArrowDownloadRegular />} onClick={() => downloadText('users-template.csv', csvTemplate(domains[0]))}>
                    Download template (.csv)
                  </Button>
                  <input
                    ref={fileInput}
                    type="file"
                    accept=".csv,text/csv"
                    aria-label="CSV file of users"
                    hidden
                    onChange={(e) => {
                      const f = e.target.files?.[0];
                      if (f) void validate(f);
                      e.target.value = '';
                    }}
                  />
                  <Button appearance="primary" onClick={() => fileInput.current?.click()} disabled={phase === 'checking' || phase === 'saving'}>
                    {fileName ? 'Choose another file…' : 'Choose a CSV file…'}
                  </Button>
                  {fileName && <Text aria-label="Chosen file">{fileName}</Text>}
                </div>
              </>
            )}
            {phase === 'checking' && <ProgressBar aria-label="Validating" />}
            {error && <ErrorBar message={error} />}
            {check?.fileProblems.length ? <ErrorBar title="This file cannot be uploaded" message={check.fileProblems.join(' ')} /> : null}
            {phase === 'checked' && rows.length > 0 && (
              <MessageBar intent={badRows.length ? 'error' : 'success'} role="status">
                <MessageBarBody>
                  {badRows.length
                    ? `${badRows.length} of ${rows.length} rows need fixing. Correct the file and choose it again.`
                    : `All ${rows.length} rows are valid. Choose the usage location, then save.`}
                </MessageBarBody>
              </MessageBar>
            )}
            {(phase === 'checked' || phase === 'saving') && rows.length > 0 && (
              <div className={styles.tableWrap}>
                <Table aria-label="Users in the file" size="small" className={styles.table}>
                  <TableHeader>
                    <TableRow>
                      <TableHeaderCell style={{ width: 56 }}>Line</TableHeaderCell>
                      <TableHeaderCell>Display name</TableHeaderCell>
                      <TableHeaderCell>Email</TableHeaderCell>
                      <TableHeaderCell>Check</TableHeaderCell>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {rows.map((r) => (
                      <TableRow key={r.line}>
                        <TableCell>{r.line}</TableCell>
                        <TableCell>{r.displayName}</TableCell>
                        <TableCell className={styles.nowrap}>{r.email}</TableCell>
                        <TableCell className={r.problems.length ? styles.bad : undefined}>{r.problems.length ? r.problems.join('; ') : 'OK'}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </div>
            )}
            {phase === 'checked' && rows.length > 0 && badRows.length === 0 && (
              <Field label="Usage location for all these users" required>
                <Dropdown
                  aria-label="Usage location for all these users"
                  placeholder="Choose a country"
                  value={countries.find((c) => c.code === location)?.name ?? ''}
                  selectedOptions={location ? [location] : []}
                  onOptionSelect={(_, d) => setLocation(d.optionValue ?? '')}
                >
                  {countries.map((c) => (
                    <Option key={c.code} value={c.code} text={c.name}>
                      {c.name}
                    </Option>
                  ))}
                </Dropdown>
              </Field>
            )}
            {phase === 'saving' && <ProgressBar value={progress / rows.length} aria-label={`Saved ${progress} of ${rows.length}`} />}
            {phase === 'saved' && (
              <>
                <MessageBar intent={created === results.length ? 'success' : 'warning'} role="status">
                  <MessageBarBody>
                    {created} of {results.length} users were created.
                    {created < results.length ? ' The results file says why the others failed.' : ''}
                  </MessageBarBody>
                </MessageBar>
                <Text>
                  Download the results now: they hold the temporary passwords, which are shown only this once. Each user must change the password at first sign-in.
                </Text>
                <div>
                  <Button appearance="primary" icon={<ArrowDownloadRegular />} onClick={() => downloadText('users-results.csv', csvResults(results))}>
                    Download results (.csv)
                  </Button>
                </div>
              </>
            )}
          </DialogContent>
          <DialogActions fluid>
            {phase === 'saved' ? (
              <Button onClick={close}>Close</Button>
            ) : (
              <>
                <Button onClick={close} disabled={phase === 'saving'}>
                  Cancel
                </Button>
                <Button appearance="primary" onClick={save} disabled={!canSave}>
                  {phase === 'saving' ? `Saving ${progress} of ${rows.length}…` : 'Save'}
                </Button>
              </>
            )}
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
