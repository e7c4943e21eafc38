/**
 * A workspace's snapshots: the list (name, when taken), take one by name, restore one after a
 * confirmation, delete one. The server checks names (src/schemas/emulator/snapshot.ts); its
 * ApiFault description is shown under the name field.
 */
import { Button, Field, Input, makeStyles, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, Title3, tokens } from '@fluentui/react-components';
import { PartnerError, type Snapshot, type WorkspaceOperations } from '@tenantry/sdk';
import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../api/partner';
import { ConfirmDialog } from '../components/ConfirmDialog';

const useStyles = makeStyles({
  // A column: the heading, the form and the list each on its own line.
  panel: { display: 'flex', flexDirection: 'column', alignItems: 'flex-start', gap: tokens.spacingVerticalXS, minWidth: 0 },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'start', flexWrap: 'wrap', margin: `${tokens.spacingVerticalS} 0` },
  // The button lines up with the input, not with the field's label or its message below.
  submit: { marginTop: '26px' },
  scroll: { overflowX: 'auto', alignSelf: 'stretch' },
  table: { tableLayout: 'auto' },
});

type Asking = { action: 'restore' | 'delete'; name: string };

/**
 * @example
 * <WorkspaceSnapshotsPanel workspace={client.workspaces.byId(id)} run={run} onRestored={refreshClockAndFaults} />
 */
export function WorkspaceSnapshotsPanel({ workspace, run, onRestored }: { workspace: WorkspaceOperations; run: (action: () => Promise<unknown>) => Promise<void>; onRestored: () => void }) {
  const styles = useStyles();
  const [snapshots, setSnapshots] = useState<Snapshot[]>();
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string>();
  // The last question stays set while its dialog closes (see ConfirmDialog).
  const [asking, setAsking] = useState<Asking>();
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState<string>();
  const reload = useCallback(() => run(async () => setSnapshots((await workspace.snapshots.list()).items)), [workspace, run]);
  useEffect(() => void reload(), [reload]);

  const take = (e: React.FormEvent) => {
    e.preventDefault();
    setNameError(undefined);
    setDone(undefined);
    void run(async () => {
      try {
        const taken = await workspace.snapshots.create(name.trim());
        setName('');
        setDone(`Snapshot ${taken.name} taken at ${taken.createdAt}.`);
      } catch (err) {
        // A refused name belongs under the field; anything else goes to the page's error bar.
        if (err instanceof PartnerError && err.status === 400) return setNameError(describeError(err));
        throw err;
      }
      await reload();
    });
  };

  const confirmed = async ({ action, name }: Asking) => {
    setDone(undefined);
    await run(async () => {
      if (action === 'restore') {
        await workspace.snapshots.restore(name);
        setDone(`Workspace restored to snapshot ${name}.`);
        onRestored();
      } else {
        await workspace.snapshots.delete(name);
        setDone(`Snapshot ${name} deleted.`);
      }
      await reload();
    });
  };

  return (
    <section className={styles.panel} aria-label="Snapshots">
      <Title3 as="h3">Snapshots</Title3>
      <form className={styles.row} onSubmit={take} aria-label="Take snapshot">
        <Field label="Snapshot name" hint="1–100 letters, digits, '.', '_' or '-'; the same name again replaces it" validationMessage={nameError} validationState={nameError ? 'error' : 'none'}>
          <Input value={name} onChange={(_, d) => { setName(d.value); setNameError(undefined); }} />
        </Field>
        <Button className={styles.submit} type="submit" appearance="primary">Take snapshot</Button>
      </form>
      <Text as="p" role="status">{done}</Text>
      <div className={styles.scroll}>
        <Table className={styles.table} aria-label="Snapshots" aria-busy={snapshots === undefined} size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Name</TableHeaderCell>
              <TableHeaderCell>Taken at (workspace time)</TableHeaderCell>
              <TableHeaderCell>Actions</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {snapshots?.map((s) => (
              <TableRow key={s.name}>
                <TableCell>{s.name}</TableCell>
                <TableCell>{s.createdAt}</TableCell>
                <TableCell>
                  <Button size="small" aria-label={`Restore snapshot ${s.name}`} onClick={() => { setAsking({ action: 'restore', name: s.name }); setConfirming(true); }}>Restore</Button>{' '}
                  <Button size="small" aria-label={`Delete snapshot ${s.name}`} onClick={() => { setAsking({ action: 'delete', name: s.name }); setConfirming(true); }}>Delete</Button>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {snapshots?.length === 0 && <Text as="p" block>No snapshots yet.</Text>}
      </div>
      {asking && (
        <ConfirmDialog
          open={confirming}
          title={asking.action === 'restore' ? `Restore snapshot ${asking.name}?` : `Delete snapshot ${asking.name}?`}
          message={
            asking.action === 'restore'
              ? 'Every write since the snapshot is undone: data, audit records, seats, idempotency answers, throttle counters, fault rules, the clock and the id counter. The request journal stays as it is.'
              : 'The snapshot is gone for good; the workspace itself does not change.'
          }
          confirm={asking.action === 'restore' ? 'Restore' : 'Delete'}
          onConfirm={() => confirmed(asking)}
          onClose={() => setConfirming(false)}
        />
      )}
    </section>
  );
}
