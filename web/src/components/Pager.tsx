/**
 * Previous / Next buttons for keyset paging, with the page number announced politely.
 */
import { Button, makeStyles, Text, tokens } from '@fluentui/react-components';
import { ChevronLeftRegular, ChevronRightRegular } from '@fluentui/react-icons';

const useStyles = makeStyles({
  pager: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, justifyContent: 'flex-end', paddingTop: tokens.spacingVerticalM },
});

/**
 * @example
 * <Pager label="Users" pageNumber={2} hasPrevious hasNext busy={false} onPrevious={prev} onNext={next} />
 */
export function Pager(props: { pageNumber: number; hasPrevious: boolean; hasNext: boolean; busy: boolean; onPrevious: () => void; onNext: () => void; label: string }) {
  const styles = useStyles();
  return (
    <nav className={styles.pager} aria-label={`${props.label} pages`}>
      <Button icon={<ChevronLeftRegular />} disabled={!props.hasPrevious || props.busy} onClick={props.onPrevious}>
        Previous
      </Button>
      <Text aria-live="polite">Page {props.pageNumber}</Text>
      <Button icon={<ChevronRightRegular />} iconPosition="after" disabled={!props.hasNext || props.busy} onClick={props.onNext}>
        Next
      </Button>
    </nav>
  );
}
