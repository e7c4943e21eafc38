/**
 * The customer's products as checkboxes with their free seats. A product without free seats can
 * only be kept, not newly assigned; without a usage location nothing can be assigned.
 */
import { Checkbox, makeStyles, MessageBar, MessageBarBody, Skeleton, SkeletonItem, Text, tokens } from '@fluentui/react-components';
import type { AsyncState } from '../app/use-async';
import type { SubscribedSku } from '../api/licensing';
import { ErrorBar } from '../components/ErrorBar';

const useStyles = makeStyles({
  list: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
});

/**
 * @example
 * <LicensesPicker skus={skus} selected={skuIds} hasUsageLocation onChange={setSkuIds} />
 */
export function LicensesPicker(props: {
  skus: AsyncState<SubscribedSku[]>;
  selected: Set<string>;
  /** Licences the user already holds (their seats are theirs). */
  held?: Set<string>;
  hasUsageLocation: boolean;
  onChange: (next: Set<string>) => void;
}) {
  const styles = useStyles();
  const { skus, selected, held = new Set<string>() } = props;
  if (skus.status === 'loading')
    return (
      <Skeleton aria-label="Loading licenses">
        <SkeletonItem />
        <SkeletonItem />
      </Skeleton>
    );
  if (skus.status === 'error') return <ErrorBar title="Licenses could not be loaded" message={skus.error} />;
  if (skus.value.length === 0) return <Text>This customer has no products to assign.</Text>;
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    props.onChange(next);
  };
  return (
    <fieldset style={{ border: 'none', margin: 0, padding: 0 }}>
      <legend>
        <Text>Product licenses</Text>
      </legend>
      {!props.hasUsageLocation && (
        <MessageBar intent="warning">
          <MessageBarBody>Choose a usage location under user info before assigning licenses.</MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.list}>
        {skus.value.map((s) => {
          const id = s.productSku.id;
          const noSeat = s.availableUnits <= 0 && !held.has(id);
          return (
            <Checkbox
              key={id}
              checked={selected.has(id)}
              disabled={(!props.hasUsageLocation && !selected.has(id)) || (noSeat && !selected.has(id))}
              onChange={() => toggle(id)}
              label={`${s.productSku.name} — ${s.availableUnits} of ${s.totalUnits} available`}
            />
          );
        })}
      </div>
    </fieldset>
  );
}
