/**
 * Emulator: the control plane of a `serve --emulator` server. Asks for the admin token once per
 * tab, then lists workspaces (create, reset, delete) and, for the chosen workspace, its clock
 * (advance, set, freeze), fault rules (add, remove, clear), snapshots (take, restore, delete) and
 * request journal (filter, page, one request's detail, HAR, client report).
 */
import { Button, Field, Input, makeStyles, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, Title2, Title3, tokens } from '@fluentui/react-components';
import { PartnerError, type Workspace } from '@tenantry/sdk';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { describeError } from '../api/partner';
import { emulatorAdminToken, emulatorClient, setEmulatorAdminToken } from '../api/emulator';
import { ErrorBar } from '../components/ErrorBar';
import { WorkspaceClockPanel } from '../emulator/WorkspaceClockPanel';
import { WorkspaceFaultsPanel } from '../emulator/WorkspaceFaultsPanel';
import { WorkspaceJournalPanel } from '../emulator/WorkspaceJournalPanel';
import { WorkspaceSnapshotsPanel } from '../emulator/WorkspaceSnapshotsPanel';

const useStyles = makeStyles({
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'end', flexWrap: 'wrap', margin: `${tokens.spacingVerticalS} 0` },
  scroll: { overflowX: 'auto' },
  panels: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(min(420px, 100%), 1fr))', gap: tokens.spacingHorizontalXXL, marginTop: tokens.spacingVerticalL },
  chosen: { backgroundColor: tokens.colorBrandBackground2 },
});

/** Asks for the admin token and checks it with one list call before keeping it. */
function AdminTokenForm({ onToken }: { onToken: (token: string) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await emulatorClient(token.trim()).workspaces.list();
      setEmulatorAdminToken(token.trim());
      onToken(token.trim());
    } catch (err) {
      setError(err instanceof PartnerError && (err.status === 401 || err.status === 403) ? 'That is not the emulator admin token. `tenantry serve --emulator` prints it at start.' : describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} aria-label="Emulator admin token">
      <Text as="p">The emulator's control plane needs its admin token (printed by <code>tenantry serve --emulator</code>). It is kept in this tab only.</Text>
      {error && <ErrorBar title="Not signed in to the emulator" message={error} />}
      <div className={useStyles().row}>
        <Field label="Admin token">
          <Input type="password" value={token} onChange={(_, d) => setToken(d.value)} autoComplete="off" />
        </Field>
        <Button appearance="primary" type="submit" disabled={busy || !token.trim()}>
          Continue
        </Button>
      </div>
    </form>
  );
}

/**
 * @example
 * <EmulatorPage />
 */
export function EmulatorPage() {
  const styles = useStyles();
  const [token, setToken] = useState(emulatorAdminToken());
  const [workspaces, setWorkspaces] = useState<Workspace[]>();
  const [chosen, setChosen] = useState<string>();
  const [name, setName] = useState('');
  const [error, setError] = useState<string>();
  // Bumped by a reset or a restore, which move the clock and replace the fault rules: the panels showing them read again.
  const [generation, setGeneration] = useState(0);
  // Kept across renders: the panels read again when their workspace object changes.
  const client = useMemo(() => (token ? emulatorClient(token) : undefined), [token]);
  const workspace = useMemo(() => (client && chosen ? client.workspaces.byId(chosen) : undefined), [client, chosen]);

  const run = useCallback(
    async (action: () => Promise<unknown>) => {
      setError(undefined);
      try {
        await action();
      } catch (e) {
        if (e instanceof PartnerError && e.status === 401) {
          setEmulatorAdminToken(undefined);
          setToken(undefined);
        }
        setError(describeError(e));
      }
    },
    [],
  );
  const reload = useCallback(() => token && run(async () => setWorkspaces((await emulatorClient(token).workspaces.list()).items)), [token, run]);
  useEffect(() => void reload(), [reload]);

  if (!client) {
    return (
      <section aria-labelledby="emulator-title">
        <Title2 id="emulator-title" as="h1">Emulator</Title2>
        {error && <ErrorBar title="The admin token no longer works" message={error} />}
        <AdminTokenForm onToken={setToken} />
      </section>
    );
  }
  const current = workspaces?.find((w) => w.id === chosen);
  return (
    <section aria-labelledby="emulator-title">
      <Title2 id="emulator-title" as="h1">Emulator</Title2>
      {error && <ErrorBar title="The emulator refused" message={error} />}
      <form
        className={styles.row}
        aria-label="Create workspace"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            const ws = await client.workspaces.create(name.trim() ? { name: name.trim() } : {});
            setName('');
            setChosen(ws.id);
            await reload();
          });
        }}
      >
        <Field label="New workspace name">
          <Input value={name} onChange={(_, d) => setName(d.value)} />
        </Field>
        <Button appearance="primary" type="submit">Create workspace</Button>
        <Button onClick={() => { setEmulatorAdminToken(undefined); setToken(undefined); }}>Forget admin token</Button>
      </form>
      <div className={styles.scroll}>
        <Table aria-label="Workspaces" aria-busy={workspaces === undefined}>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Name</TableHeaderCell>
              <TableHeaderCell>Id</TableHeaderCell>
              <TableHeaderCell>Actions</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {workspaces?.map((w) => (
              <TableRow key={w.id} className={w.id === chosen ? styles.chosen : undefined} aria-selected={w.id === chosen}>
                <TableCell>{w.name ?? '(unnamed)'}</TableCell>
                <TableCell><code>{w.id}</code></TableCell>
                <TableCell>
                  <Button size="small" onClick={() => setChosen(w.id)} aria-label={`Open ${w.name ?? w.id}`}>Open</Button>{' '}
                  <Button size="small" onClick={() => run(async () => { await client.workspaces.byId(w.id).reset(); setGeneration((g) => g + 1); await reload(); })} aria-label={`Reset ${w.name ?? w.id}`}>Reset</Button>{' '}
                  <Button size="small" onClick={() => window.confirm(`Delete workspace ${w.name ?? w.id} and all its data?`) && run(async () => { await client.workspaces.delete(w.id); if (chosen === w.id) setChosen(undefined); await reload(); })} aria-label={`Delete ${w.name ?? w.id}`}>Delete</Button>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {workspaces?.length === 0 && <Text as="p">There are no workspaces yet.</Text>}
      </div>
      {current && workspace && (
        <>
          <Title3 as="h2">Workspace {current.name ?? current.id}</Title3>
          <div className={styles.panels}>
            <WorkspaceClockPanel key={`clock-${current.id}-${generation}`} workspace={workspace} run={run} />
            <WorkspaceFaultsPanel key={`faults-${current.id}-${generation}`} workspace={workspace} run={run} />
            <WorkspaceSnapshotsPanel key={`snapshots-${current.id}`} workspace={workspace} run={run} onRestored={() => setGeneration((g) => g + 1)} />
          </div>
          <WorkspaceJournalPanel key={`journal-${current.id}`} workspaceId={current.id} workspace={workspace} run={run} />
        </>
      )}
    </section>
  );
}
