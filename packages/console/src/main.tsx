import {
  type Connector,
  type ConsoleSession,
  connectorsSchema,
  consoleSessionSchema,
  noContentSchema,
  setupStatusSchema,
} from '@passline/contracts';
import { type ReactNode, StrictMode, useCallback, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { api, onUnauthenticated, setCsrfToken } from './api.ts';
import { ConfirmProvider } from './components/Confirm.tsx';
import { ErrorNote } from './components/ErrorNote.tsx';
import { AccountSecurityPage } from './pages/AccountSecurityPage.tsx';
import { ApiKeysPage } from './pages/ApiKeysPage.tsx';
import { ApplicationDetailsPage } from './pages/ApplicationDetailsPage.tsx';
import { ApplicationsPage } from './pages/ApplicationsPage.tsx';
import { AuditLogPage } from './pages/AuditLogPage.tsx';
import { SetupPage, SignInPage } from './pages/AuthPages.tsx';
import { ConnectorDetailsPage } from './pages/ConnectorDetailsPage.tsx';
import { ConnectorSetupPage } from './pages/ConnectorSetupPage.tsx';
import { ConnectorsPage } from './pages/ConnectorsPage.tsx';
import { DashboardPage } from './pages/DashboardPage.tsx';
import { DevOutboxPage } from './pages/DevOutboxPage.tsx';
import { IntegrationsPage } from './pages/IntegrationsPage.tsx';
import { MessagesPage } from './pages/MessagesPage.tsx';
import { ProtectionPage } from './pages/Protection.tsx';
import { RoutingPage } from './pages/RoutingPage.tsx';
import { SignInExperiencePage } from './pages/SignInExperiencePage.tsx';
import { UserDetailsPage } from './pages/UserDetailsPage.tsx';
import { UsersPage } from './pages/UsersPage.tsx';
import { VerificationSettingsPage } from './pages/VerificationSettingsPage.tsx';
import { href, navigate, useRoute } from './router.ts';
import './styles.css';

type AuthState =
  | { kind: 'loading' }
  | { kind: 'error'; error: unknown }
  | { kind: 'setup' }
  | { kind: 'signed-out'; notice?: string }
  | { kind: 'signed-in'; session: ConsoleSession };

function App() {
  const [auth, setAuth] = useState<AuthState>({ kind: 'loading' });

  const signedIn = useCallback((session: ConsoleSession) => {
    setCsrfToken(session.csrfToken);
    setAuth({ kind: 'signed-in', session });
  }, []);

  useEffect(() => {
    onUnauthenticated(() => {
      setCsrfToken(undefined);
      setAuth({ kind: 'signed-out', notice: 'Your session ended. Sign in again.' });
    });
    (async () => {
      const { setupRequired } = await api('GET', '/api/admin/setup', setupStatusSchema);
      if (setupRequired) return setAuth({ kind: 'setup' });
      try {
        signedIn(await api('GET', '/api/admin/session', consoleSessionSchema));
      } catch {
        setAuth({ kind: 'signed-out' });
      }
    })().catch((error: unknown) => setAuth({ kind: 'error', error }));
  }, [signedIn]);

  switch (auth.kind) {
    case 'loading':
      return <p className="loading">Loading…</p>;
    case 'error':
      return (
        <main className="auth">
          <ErrorNote error={auth.error} />
        </main>
      );
    case 'setup':
      return <SetupPage onSignedIn={signedIn} />;
    case 'signed-out':
      return <SignInPage onSignedIn={signedIn} notice={auth.notice} />;
    case 'signed-in':
      return (
        <Shell
          session={auth.session}
          onSignedOut={() => {
            setCsrfToken(undefined);
            setAuth({ kind: 'signed-out', notice: 'You are signed out.' });
          }}
        />
      );
  }
}

const navItems = [
  { path: '/dashboard', label: 'Dashboard' },
  { path: '/applications', label: 'Applications' },
  { path: '/users', label: 'Users' },
  { path: '/connectors', label: 'Connectors' },
  { path: '/routing', label: 'Routing' },
  { path: '/verification', label: 'Verification settings' },
  { path: '/sign-in-experience', label: 'Sign-in experience' },
  { path: '/messages', label: 'Messages' },
  { path: '/protection', label: 'Protection' },
  { path: '/integrations', label: 'Integrations' },
  { path: '/api-keys', label: 'API keys' },
  { path: '/audit-log', label: 'Audit log' },
  { path: '/account-security', label: 'Account security' },
];

function Shell(props: { session: ConsoleSession; onSignedOut: () => void }) {
  const { path, search } = useRoute();
  const [activeSms, setActiveSms] = useState<Connector | null>();
  const main = useRef<HTMLElement>(null);

  const refreshConnectors = useCallback(() => {
    api('GET', '/api/connectors', connectorsSchema).then(
      (connectors) =>
        setActiveSms(connectors.find((connector) => connector.type === 'sms' && connector.active) ?? null),
      () => undefined,
    );
  }, []);
  useEffect(refreshConnectors, [refreshConnectors]);

  // A new page moves focus to its heading, so screen readers announce where the admin is.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on path changes on purpose.
  useEffect(() => {
    const timer = setTimeout(() => main.current?.querySelector<HTMLElement>('h1')?.focus(), 50);
    return () => clearTimeout(timer);
  }, [path]);

  async function signOut() {
    await api('POST', '/api/admin/sign-out', noContentSchema).catch(() => undefined);
    props.onSignedOut();
  }

  const items =
    activeSms?.factoryId === 'dev-sms' ? [...navItems, { path: '/dev-outbox', label: 'Dev outbox' }] : navItems;
  const section = `/${path.split('/')[1] ?? ''}`;

  let page: ReactNode;
  const setupMatch = /^\/connectors\/setup\/([^/]+)$/.exec(path);
  const detailsMatch = /^\/connectors\/([^/]+)$/.exec(path);
  const applicationMatch = /^\/applications\/([^/]+)$/.exec(path);
  const userMatch = /^\/users\/([^/]+)$/.exec(path);
  if (path === '/dashboard') page = <DashboardPage />;
  else if (path === '/connectors') page = <ConnectorsPage onChanged={refreshConnectors} />;
  else if (setupMatch?.[1]) {
    page = (
      <ConnectorSetupPage
        key={setupMatch[1]}
        factoryId={decodeURIComponent(setupMatch[1])}
        replacing={search.get('replacing')}
        onChanged={refreshConnectors}
      />
    );
  } else if (detailsMatch?.[1])
    page = <ConnectorDetailsPage id={decodeURIComponent(detailsMatch[1])} onChanged={refreshConnectors} />;
  else if (path === '/routing') page = <RoutingPage onChanged={refreshConnectors} />;
  else if (path === '/verification') page = <VerificationSettingsPage />;
  else if (path === '/sign-in-experience') page = <SignInExperiencePage />;
  else if (path === '/messages') page = <MessagesPage />;
  else if (path === '/protection') page = <ProtectionPage />;
  else if (path === '/api-keys') page = <ApiKeysPage />;
  else if (path === '/audit-log') page = <AuditLogPage />;
  else if (path === '/account-security') page = <AccountSecurityPage />;
  else if (path === '/integrations') page = <IntegrationsPage />;
  else if (path === '/dev-outbox') page = <DevOutboxPage />;
  else if (path === '/applications') page = <ApplicationsPage />;
  else if (applicationMatch?.[1]) page = <ApplicationDetailsPage id={decodeURIComponent(applicationMatch[1])} />;
  else if (path === '/users') page = <UsersPage search={search.get('search') ?? ''} />;
  else if (userMatch?.[1]) page = <UserDetailsPage key={userMatch[1]} id={decodeURIComponent(userMatch[1])} />;
  else page = <h1 tabIndex={-1}>Page not found</h1>;

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Passline</span>
        <span className="topbar-user">
          <span className="muted small">Signed in as {props.session.username}</span>
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </span>
      </header>
      <nav className="sidebar" aria-label="Console">
        <ul>
          {items.map((item) => (
            <li key={item.path}>
              <a
                href={href(item.path)}
                aria-current={section === item.path ? 'page' : undefined}
                onClick={(event) => {
                  event.preventDefault();
                  void navigate(item.path);
                }}
              >
                {item.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" ref={main} className="content">
        {activeSms === null && section !== '/connectors' ? (
          <p className="note note-warn">
            No SMS connector is active: Passline cannot send codes.{' '}
            <a
              href={href('/connectors')}
              onClick={(event) => {
                event.preventDefault();
                void navigate('/connectors');
              }}
            >
              Set one up
            </a>
            .
          </p>
        ) : null}
        {page}
      </main>
    </div>
  );
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ConfirmProvider>
        <App />
      </ConfirmProvider>
    </StrictMode>,
  );
}
