/**
 * A workspace's fault rules: the list with counters, add a rule (operation, status, times), remove
 * one, clear all. The server checks every rule (src/schemas/emulator/fault-rule.ts).
 */
import { Button, Field, Input, makeStyles, Select, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, Title3, tokens } from '@fluentui/react-components';
import type { FaultRule, FaultRuleInput, WorkspaceOperations } from '@tenantry/sdk';
import { useCallback, useEffect, useState } from 'react';

const useStyles = makeStyles({
  // A column: the heading, the reading and each form on its own line.
  panel: { display: 'flex', flexDirection: 'column', alignItems: 'flex-start', gap: tokens.spacingVerticalXS, minWidth: 0 },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'end', flexWrap: 'wrap', margin: `${tokens.spacingVerticalS} 0` },
  scroll: { overflowX: 'auto', alignSelf: 'stretch' },
  // Sized to the content, so long ids and matches wrap in their own column instead of overlapping.
  table: { tableLayout: 'auto' },
});

const statuses = ['503', '429', '500', '404', '403', '401', '400'];

/** A rule in words: "users.list → 503, 1 of 1 fired". */
function describeRule(r: FaultRule) {
  const match = Object.entries(r.match).map(([k, v]) => `${k}=${v}`).join(' ') || 'every call';
  const effect = Object.entries(r.effect).map(([k, v]) => `${k}=${v}`).join(' ');
  return { match, effect };
}

/**
 * @example
 * <WorkspaceFaultsPanel workspace={client.workspaces.byId(id)} run={run} />
 */
export function WorkspaceFaultsPanel({ workspace, run }: { workspace: WorkspaceOperations; run: (action: () => Promise<unknown>) => Promise<void> }) {
  const styles = useStyles();
  const [rules, setRules] = useState<FaultRule[]>();
  const [operation, setOperation] = useState('');
  const [status, setStatus] = useState('503');
  const [times, setTimes] = useState('');
  const reload = useCallback(() => run(async () => setRules((await workspace.faults.list()).items)), [workspace, run]);
  useEffect(() => void reload(), [reload]);

  const add = (e: React.FormEvent) => {
    e.preventDefault();
    const rule: FaultRuleInput = { effect: { status: Number(status) as NonNullable<FaultRuleInput['effect']['status']> } };
    if (operation.trim()) rule.match = { operation: operation.trim() };
    if (times.trim()) rule.times = Number(times);
    void run(async () => {
      await workspace.faults.add(rule);
      await reload();
    });
  };

  return (
    <section className={styles.panel} aria-label="Fault rules">
      <Title3 as="h3">Fault rules</Title3>
      <form className={styles.row} onSubmit={add} aria-label="Add fault rule">
        <Field label="Operation" hint="e.g. users.list; empty for every call">
          <Input value={operation} onChange={(_, d) => setOperation(d.value)} />
        </Field>
        <Field label="Answer status">
          <Select value={status} onChange={(_, d) => setStatus(d.value)}>
            {statuses.map((s) => <option key={s} value={s}>{s}</option>)}
          </Select>
        </Field>
        <Field label="Times" hint="empty: until removed">
          <Input value={times} onChange={(_, d) => setTimes(d.value)} inputMode="numeric" />
        </Field>
        <Button type="submit" appearance="primary">Add rule</Button>
      </form>
      <div className={styles.scroll}>
        <Table className={styles.table} aria-label="Fault rules" aria-busy={rules === undefined} size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Id</TableHeaderCell>
              <TableHeaderCell>Match</TableHeaderCell>
              <TableHeaderCell>Effect</TableHeaderCell>
              <TableHeaderCell>Fired</TableHeaderCell>
              <TableHeaderCell />
            </TableRow>
          </TableHeader>
          <TableBody>
            {rules?.map((r) => {
              const d = describeRule(r);
              return (
                <TableRow key={r.id}>
                  <TableCell>{r.id}</TableCell>
                  <TableCell>{d.match}</TableCell>
                  <TableCell>{d.effect}</TableCell>
                  <TableCell>{r.times ? `${r.fired} of ${r.times}` : r.fired}</TableCell>
                  <TableCell>
                    <Button size="small" aria-label={`Remove rule ${r.id}`} onClick={() => run(async () => { await workspace.faults.remove(r.id); await reload(); })}>Remove</Button>
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
        {rules?.length === 0 && <Text as="p">No fault rules: every call is answered normally.</Text>}
      </div>
      <Button onClick={() => run(async () => { await workspace.faults.clear(); await reload(); })} disabled={!rules?.length}>Clear all rules</Button>
    </section>
  );
}
