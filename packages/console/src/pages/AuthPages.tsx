import { type ConsoleSession, consoleSessionSchema, type SignInPending, signInResultSchema } from '@passline/contracts';
import { type FormEvent, type ReactNode, useCallback, useId, useState } from 'react';
import { api } from '../api.ts';
import { ErrorNote } from '../components/ErrorNote.tsx';
import { RequiredEnrolmentStep, SecondFactorStep } from './TwoFactorSignIn.tsx';

function AuthFrame(props: { title: string; intro: ReactNode; children: ReactNode }) {
  return (
    <main className="auth" id="main">
      <div className="auth-card panel">
        <p className="brand">Passline</p>
        <h1 tabIndex={-1}>{props.title}</h1>
        <div className="help">{props.intro}</div>
        {props.children}
      </div>
    </main>
  );
}

function TextField(props: {
  label: string;
  type?: string;
  value: string;
  onChange: (value: string) => void;
  autoComplete: string;
  help?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id} className="label">
        {props.label}
      </label>
      <input
        id={id}
        type={props.type ?? 'text'}
        value={props.value}
        required
        autoComplete={props.autoComplete}
        aria-describedby={props.help ? `${id}-help` : undefined}
        onChange={(event) => props.onChange(event.target.value)}
      />
      {props.help ? (
        <p className="help" id={`${id}-help`}>
          {props.help}
        </p>
      ) : null}
    </div>
  );
}

/** First run: no admin exists yet. The token proves the person can read the server's log. */
export function SetupPage(props: { onSignedIn: (session: ConsoleSession) => void }) {
  const [setupToken, setSetupToken] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (password !== repeat) {
      setError(new Error('The two passwords differ.'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      props.onSignedIn(await api('POST', '/api/admin/setup', consoleSessionSchema, { setupToken, username, password }));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthFrame
      title="Create the first admin"
      intro={
        <p>
          This Passline has no admin yet. The server printed a one-time <strong>setup token</strong> in its log when it
          started (look for “No console admin yet”). Paste it here and choose your username and password.
        </p>
      }
    >
      <form onSubmit={(event) => void submit(event)}>
        <TextField label="Setup token" value={setupToken} onChange={setSetupToken} autoComplete="off" />
        <TextField
          label="Username"
          value={username}
          onChange={setUsername}
          autoComplete="username"
          help="3 to 64 letters, digits, dots, dashes, underscores or @."
        />
        <TextField
          label="Password"
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="new-password"
          help="At least 10 characters. A passphrase of a few words is good."
        />
        <TextField
          label="Repeat the password"
          type="password"
          value={repeat}
          onChange={setRepeat}
          autoComplete="new-password"
        />
        <ErrorNote error={error} />
        <button type="submit" className="primary wide" disabled={busy}>
          {busy ? 'Creating…' : 'Create admin and sign in'}
        </button>
      </form>
      <p className="help small">
        Prefer the command line? <code>npx passline admins create --username NAME</code>
      </p>
    </AuthFrame>
  );
}

export function SignInPage(props: { onSignedIn: (session: ConsoleSession) => void; notice?: string | undefined }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState<SignInPending>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const result = await api('POST', '/api/admin/sign-in', signInResultSchema, { username, password });
      if ('pendingToken' in result) setPending(result);
      else props.onSignedIn(result);
    } catch (caught) {
      setError(caught);
    } finally {
      setPassword('');
      setBusy(false);
    }
  }

  // The second step expired or was abandoned: the password again.
  const restart = useCallback((reason: unknown) => {
    setPending(undefined);
    setError(reason);
  }, []);

  if (pending?.secondFactor === 'code') {
    return (
      <AuthFrame title="Two-factor sign-in" intro={<p>Enter the code from your authenticator app.</p>}>
        <SecondFactorStep pending={pending} onSignedIn={props.onSignedIn} onRestart={restart} />
      </AuthFrame>
    );
  }
  if (pending?.secondFactor === 'enrolment') {
    return (
      <AuthFrame title="Set up two-factor sign-in" intro={<p>One more step before the console.</p>}>
        <RequiredEnrolmentStep pending={pending} onSignedIn={props.onSignedIn} onRestart={restart} />
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title="Sign in" intro={<p>Sign in to configure SMS delivery and verification.</p>}>
      {props.notice ? (
        <p className="note" role="status">
          {props.notice}
        </p>
      ) : null}
      <form onSubmit={(event) => void submit(event)}>
        <TextField label="Username" value={username} onChange={setUsername} autoComplete="username" />
        <TextField
          label="Password"
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="current-password"
        />
        <ErrorNote error={error} />
        <button type="submit" className="primary wide" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthFrame>
  );
}
