/**
 * One recorded request and its answer: what was asked (headers, body with secrets already
 * replaced by the server), what was answered (status, headers, body pretty-printed when it is
 * JSON), the fault rule that answered and the client checks it tripped, each explained.
 */
import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, makeStyles, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, tokens } from '@fluentui/react-components';
import type { FaultRule, JournalEntry } from '@tenantry/sdk';
import { Fragment } from 'react';

const useStyles = makeStyles({
  surface: { maxWidth: 'min(1000px, 95vw)', width: '100%' },
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: tokens.spacingHorizontalL, rowGap: tokens.spacingVerticalXXS, margin: 0 },
  term: { fontWeight: tokens.fontWeightSemibold },
  value: { margin: 0, overflowWrap: 'anywhere' },
  pre: {
    margin: 0,
    padding: tokens.spacingHorizontalS,
    maxHeight: '320px',
    overflow: 'auto',
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
  },
  headers: { tableLayout: 'auto' },
  headerValue: { overflowWrap: 'anywhere', fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
  // Headings and lines sit close to what they title; the sections are spaced by the content's gap.
  heading: { margin: `0 0 ${tokens.spacingVerticalXS}` },
  para: { margin: 0 },
});

/** The answer as text, pretty-printed when it parses as JSON (Partner Center answers start with a BOM). */
export function prettyBody(body: string | null): string {
  if (body === null || body === '') return '(none)';
  const text = body.replace(/^\uFEFF/, '');
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** What the fault rule that answered did, in words. */
function faultText(id: string, rules: FaultRule[] | undefined): string {
  if (id === 'header') return "Answered as the request's Tenantry-Fault header asked.";
  const rule = rules?.find((r) => r.id === id);
  if (!rule) return rules ? 'The rule has been removed since.' : '';
  const match = Object.entries(rule.match ?? {}).map(([k, v]) => `${k}=${v}`).join(' ') || 'every call';
  const effect = Object.entries(rule.effect).map(([k, v]) => `${k}=${v}`).join(' ');
  return `Matches ${match}; answers ${effect}.`;
}

function HeadersTable({ label, headers }: { label: string; headers: Record<string, string> }) {
  const styles = useStyles();
  const rows = Object.entries(headers).sort(([a], [b]) => a.localeCompare(b));
  if (rows.length === 0) return <Text as="p" className={styles.para} block>(none)</Text>;
  return (
    <Table className={styles.headers} size="extra-small" aria-label={label}>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Header</TableHeaderCell>
          <TableHeaderCell>Value</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map(([name, value]) => (
          <TableRow key={name}>
            <TableCell className={styles.headerValue}>{name}</TableCell>
            <TableCell className={styles.headerValue}>{value}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/**
 * Stays mounted and closes through `open`: a Fluent Dialog unmounted while open leaves
 * aria-hidden on the page (microsoft/fluentui#35139), hiding it from screen readers.
 *
 * @example
 * <JournalEntryDialog open={open} entry={entry} rules={faultRules} onClose={() => setOpen(false)} />
 */
export function JournalEntryDialog({ open, entry, rules, onClose }: { open: boolean; entry: JournalEntry | undefined; rules: FaultRule[] | undefined; onClose: () => void }) {
  // Mounted with the first entry shown, then kept.
  if (!entry) return null;
  return (
    <Dialog open={open} onOpenChange={(_, d) => !d.open && onClose()}>
      <EntrySurface entry={entry} rules={rules} onClose={onClose} />
    </Dialog>
  );
}

function EntrySurface({ entry, rules, onClose }: { entry: JournalEntry; rules: FaultRule[] | undefined; onClose: () => void }) {
  const styles = useStyles();
  const query = new URLSearchParams(entry.query).toString();
  const facts: [string, string][] = [
    ...(query ? ([['Query', query]] as [string, string][]) : []),
    ['Time (workspace)', entry.time],
    ['Route', entry.operation ?? '(none)'],
    ['Status', entry.status === 0 ? '0 (no answer was sent)' : String(entry.status)],
    ['Duration', `${entry.durationMs} ms`],
    ['MS-RequestId', entry.requestId ?? '(none)'],
    ['MS-CorrelationId', entry.correlationId ?? '(none)'],
    ['Entry id', entry.id],
  ];
  return (
    <DialogSurface className={styles.surface}>
      <DialogBody>
        <DialogTitle>
          {entry.method} {entry.path}
        </DialogTitle>
        <DialogContent className={styles.content}>
          <dl className={styles.facts} aria-label="Summary">
            {facts.map(([term, value]) => (
              <Fragment key={term}>
                <dt className={styles.term}>{term}</dt>
                <dd className={styles.value}>{value}</dd>
              </Fragment>
            ))}
          </dl>
          <section aria-label="Fault rule">
            <Text as="h3" className={styles.heading} block weight="semibold" size={400}>Fault rule</Text>
            <Text as="p" className={styles.para} block>{entry.faultRuleId ? `${entry.faultRuleId}: ${faultText(entry.faultRuleId, rules)}` : 'None: answered normally.'}</Text>
          </section>
          <section aria-label="Client checks">
            <Text as="h3" className={styles.heading} block weight="semibold" size={400}>Client checks</Text>
            {entry.checks.length === 0 ? (
              <Text as="p" className={styles.para} block>None tripped.</Text>
            ) : (
              <ul className={styles.list}>
                {entry.checks.map((c) => (
                  <li key={c.check}>
                    <strong>{c.check}</strong>: {c.explanation}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-label="Request headers">
            <Text as="h3" className={styles.heading} block weight="semibold" size={400}>Request headers</Text>
            <Text as="p" className={styles.heading} block size={200}>Authorization and cookies are never recorded; other secrets show as ***.</Text>
            <HeadersTable label="Request headers" headers={entry.requestHeaders} />
          </section>
          <section aria-label="Request body">
            <Text as="h3" className={styles.heading} block weight="semibold" size={400}>Request body</Text>
            <pre className={styles.pre}>{entry.requestBody === null || entry.requestBody === undefined ? '(none)' : JSON.stringify(entry.requestBody, null, 2)}</pre>
          </section>
          <section aria-label="Response headers">
            <Text as="h3" className={styles.heading} block weight="semibold" size={400}>Response headers</Text>
            <HeadersTable label="Response headers" headers={entry.responseHeaders} />
          </section>
          <section aria-label="Response body">
            <Text as="h3" className={styles.heading} block weight="semibold" size={400}>Response body {entry.responseTruncated && '(first 16 KiB only)'}</Text>
            <pre className={styles.pre}>{prettyBody(entry.responseBody)}</pre>
          </section>
        </DialogContent>
        <DialogActions>
          <Button appearance="primary" onClick={onClose}>Close</Button>
        </DialogActions>
      </DialogBody>
    </DialogSurface>
  );
}
