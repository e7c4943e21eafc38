/**
 * The shell: sign-in gate, header with the signed-in account, and the page for the URL.
 */
import { Button, makeStyles, Text, tokens } from '@fluentui/react-components';
import { SignOutRegular } from '@fluentui/react-icons';
import { useEffect, useSyncExternalStore } from 'react';
import { CustomersPage } from '../pages/CustomersPage';
import { NotFoundPage } from '../pages/NotFoundPage';
import { SignInPage } from '../pages/SignInPage';
import { UsersPage } from '../pages/UsersPage';
import { EmulatorPage } from '../pages/EmulatorPage';
import { useIsEmulator } from '../api/emulator';
import { AppLink } from '../components/AppLink';
import { canUseEmulator } from '../session/permissions';
import { endSession, getSession, subscribeSession } from '../session/session';
import { navigate, useLocation, withQuery } from './router';

const useStyles = makeStyles({
  header: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
    flexWrap: 'wrap',
  },
  brand: { fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase400 },
  nav: { display: 'flex', gap: tokens.spacingHorizontalM, marginRight: 'auto' },
  navLink: { color: tokens.colorNeutralForegroundOnBrand, ':hover': { color: tokens.colorNeutralForegroundOnBrand } },
  account: { color: tokens.colorNeutralForegroundOnBrand, overflow: 'hidden', textOverflow: 'ellipsis', maxWidth: '50vw' },
  main: { padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalL}`, maxWidth: '1400px', margin: '0 auto' },
  skip: {
    position: 'absolute',
    left: '-9999px',
    ':focus': { left: tokens.spacingHorizontalS, top: tokens.spacingVerticalS, zIndex: 10, backgroundColor: tokens.colorNeutralBackground1, padding: tokens.spacingHorizontalS },
  },
});

function Page({ pathname, emulator }: { pathname: string; emulator: boolean | undefined }) {
  if (pathname === '/' || pathname === '/customers') return <CustomersPage />;
  // Only on an emulator, and only for accounts offered the link; the control plane checks its own token.
  if (pathname === '/emulator') return emulator === undefined ? null : emulator && canUseEmulator() ? <EmulatorPage /> : <NotFoundPage />;
  const users = /^\/customers\/([^/]+)(?:\/users)?\/?$/.exec(pathname);
  if (users) return <UsersPage customerId={decodeURIComponent(users[1])} />;
  return <NotFoundPage />;
}

/**
 * @example
 * createRoot(root).render(<FluentProvider theme={webLightTheme}><App /></FluentProvider>);
 */
export function App() {
  const styles = useStyles();
  const session = useSyncExternalStore(subscribeSession, getSession);
  const location = useLocation();
  const emulator = useIsEmulator();

  // Signed out on a page: go to sign-in, remembering where to come back to.
  useEffect(() => {
    if (!session && location.pathname !== '/signin') {
      navigate(withQuery('/signin', { return: location.pathname + window.location.search }), { replace: true });
    }
  }, [session, location.pathname]);

  if (!session || location.pathname === '/signin') return <SignInPage />;

  return (
    <>
      <a href="#main" className={styles.skip}>
        Skip to content
      </a>
      <header className={styles.header}>
        <Text className={styles.brand} as="span">
          Tenantry · Partner Center
        </Text>
        <nav aria-label="Main" className={styles.nav}>
          {emulator && canUseEmulator() && (
            <>
              <AppLink className={styles.navLink} href="/customers">Customers</AppLink>
              <AppLink className={styles.navLink} href="/emulator">Emulator</AppLink>
            </>
          )}
        </nav>
        <Text className={styles.account} title={`Partner ${session.partnerId}`}>
          {session.userName}
        </Text>
        <Button appearance="primary" icon={<SignOutRegular />} onClick={() => endSession('signedOut')}>
          Sign out
        </Button>
      </header>
      <main id="main" className={styles.main} tabIndex={-1}>
        <Page pathname={location.pathname} emulator={emulator} />
      </main>
    </>
  );
}
