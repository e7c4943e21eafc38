/**
 * A workspace's clock: shows it, advances it by an ISO-8601 duration, sets it, freezes it.
 */
import { Button, Field, Input, makeStyles, Text, Title3, tokens } from '@fluentui/react-components';
import type { WorkspaceClock, WorkspaceOperations } from '@tenantry/sdk';
import { useEffect, useState } from 'react';

const useStyles = makeStyles({
  // A column: the heading, the reading and each form on its own line.
  panel: { display: 'flex', flexDirection: 'column', alignItems: 'flex-start', gap: tokens.spacingVerticalXS, minWidth: 0 },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'end', flexWrap: 'wrap', margin: `${tokens.spacingVerticalS} 0` },
});

/**
 * @example
 * <WorkspaceClockPanel workspace={client.workspaces.byId(id)} run={run} />
 */
export function WorkspaceClockPanel({ workspace, run }: { workspace: WorkspaceOperations; run: (action: () => Promise<unknown>) => Promise<void> }) {
  const styles = useStyles();
  const [clock, setClock] = useState<WorkspaceClock>();
  const [duration, setDuration] = useState('P1D');
  const [instant, setInstant] = useState('');
  useEffect(() => void run(async () => setClock(await workspace.clock.get())), [workspace, run]);
  return (
    <section className={styles.panel} aria-label="Clock">
      <Title3 as="h3">Clock</Title3>
      <Text as="p" data-testid="clock-now">
        {clock ? `${clock.now}${clock.frozen ? ' (frozen)' : ' (running)'}` : '…'}
      </Text>
      <form className={styles.row} onSubmit={(e) => { e.preventDefault(); void run(async () => setClock(await workspace.clock.advance(duration.trim()))); }}>
        <Field label="Advance by" hint="ISO-8601 duration: PT1H, P30D">
          <Input value={duration} onChange={(_, d) => setDuration(d.value)} />
        </Field>
        <Button type="submit">Advance</Button>
      </form>
      <form className={styles.row} onSubmit={(e) => { e.preventDefault(); void run(async () => setClock(await workspace.clock.set(instant.trim()))); }}>
        <Field label="Set to" hint="UTC instant: 2027-01-01T00:00:00Z">
          <Input value={instant} onChange={(_, d) => setInstant(d.value)} />
        </Field>
        <Button type="submit" disabled={!instant.trim()}>Set</Button>
      </form>
      <Button onClick={() => run(async () => setClock(await workspace.clock.freeze(!clock?.frozen)))} disabled={!clock}>
        {clock?.frozen ? 'Unfreeze' : 'Freeze'}
      </Button>
    </section>
  );
}
