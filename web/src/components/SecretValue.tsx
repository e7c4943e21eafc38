/**
 * A one-time secret (temporary password) with a copy button. Shown once: the server keeps only
 * its hash.
 */
import { Button, Tooltip, makeStyles, tokens } from '@fluentui/react-components';
import { CheckmarkRegular, CopyRegular } from '@fluentui/react-icons';
import { useState } from 'react';

const useStyles = makeStyles({
  row: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  value: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase400,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
    userSelect: 'all',
    wordBreak: 'break-all',
  },
});

/**
 * @example
 * <SecretValue label="Temporary password" value={user.passwordProfile.password} />
 */
export function SecretValue({ label, value }: { label: string; value: string }) {
  const styles = useStyles();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      // Clipboard refused (insecure origin): the value is selectable instead.
    }
  };
  return (
    <div className={styles.row}>
      <code className={styles.value} aria-label={label} data-testid="secret">
        {value}
      </code>
      <Tooltip content={copied ? 'Copied' : `Copy ${label.toLowerCase()}`} relationship="label">
        <Button icon={copied ? <CheckmarkRegular /> : <CopyRegular />} onClick={copy} appearance="subtle" />
      </Tooltip>
      <span aria-live="polite" style={{ position: 'absolute', left: -9999 }}>
        {copied ? 'Copied to the clipboard' : ''}
      </span>
    </div>
  );
}
