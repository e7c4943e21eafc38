/**
 * Sign in with a partner account. Explains why the last session ended, and returns to the page
 * that was open.
 */
import { Button, Card, Field, Input, makeStyles, MessageBar, MessageBarBody, Spinner, Text, Title2, tokens } from '@fluentui/react-components';
import { useState, type FormEvent } from 'react';
import { describeError } from '../api/partner';
import { ErrorBar } from '../components/ErrorBar';
import { navigate, useLocation } from '../app/router';
import { lastEndReason } from '../session/session';
import { signIn } from '../session/sign-in';

const useStyles = makeStyles({
  page: { minHeight: '100vh', display: 'grid', placeItems: 'center', padding: tokens.spacingHorizontalL, backgroundColor: tokens.colorNeutralBackground2 },
  card: { width: 'min(420px, 100%)', padding: tokens.spacingHorizontalXXL },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

/** Only same-app paths are followed after sign-in (no open redirect). */
function safeReturn(value: string | null): string {
  return value && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/signin') ? value : '/customers';
}

/**
 * @example
 * <SignInPage /> // at /signin?return=/customers
 */
export function SignInPage() {
  const styles = useStyles();
  const { params } = useLocation();
  const [userName, setUserName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const reason = lastEndReason();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(userName, password);
      navigate(safeReturn(params.get('return')), { replace: true });
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  return (
    <main className={styles.page}>
      <Card className={styles.card}>
        <form className={styles.form} onSubmit={submit} aria-labelledby="signin-title">
          <Title2 as="h1" id="signin-title">
            Sign in
          </Title2>
          <Text>Tenantry · Partner Center customer users and licenses</Text>
          {reason === 'expired' && (
            <MessageBar intent="warning" role="status">
              <MessageBarBody>Your session has expired. Sign in again to continue where you were.</MessageBarBody>
            </MessageBar>
          )}
          {reason === 'signedOut' && (
            <MessageBar intent="info" role="status">
              <MessageBarBody>You have signed out.</MessageBarBody>
            </MessageBar>
          )}
          {error && <ErrorBar title="Sign-in failed" message={error} />}
          <Field label="User name" required>
            <Input name="username" autoComplete="username" value={userName} onChange={(_, d) => setUserName(d.value)} autoFocus />
          </Field>
          <Field label="Password" required>
            <Input name="password" type="password" autoComplete="current-password" value={password} onChange={(_, d) => setPassword(d.value)} />
          </Field>
          <Button appearance="primary" type="submit" disabledFocusable={busy || !userName || !password} icon={busy ? <Spinner size="tiny" /> : undefined}>
            {busy ? 'Signing in…' : 'Sign in'}
          </Button>
        </form>
      </Card>
    </main>
  );
}
