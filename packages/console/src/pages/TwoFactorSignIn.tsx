import {
  type ConsoleSession,
  consoleSessionSchema,
  type EnrolledSession,
  enrolledSessionSchema,
  type SignInPending,
  type TwoFactorEnrolment,
  twoFactorEnrolmentSchema,
} from '@passline/contracts';
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api } from '../api.ts';
import { ErrorNote } from '../components/ErrorNote.tsx';
import { CodeField, EnrolmentDetails, RecoveryCodesList } from '../components/TwoFactorParts.tsx';

/** The pending step expired or took too many wrong codes: back to the password. */
const restartCodes = new Set(['admin.sign_in_step_invalid', 'admin.too_many_attempts']);

/** Second sign-in step: a code from the authenticator app, or a recovery code. */
export function SecondFactorStep(props: {
  pending: SignInPending;
  onSignedIn: (session: ConsoleSession) => void;
  onRestart: (error: unknown) => void;
}) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      props.onSignedIn(
        await api('POST', '/api/admin/sign-in/second-factor', consoleSessionSchema, {
          pendingToken: props.pending.pendingToken,
          code,
        }),
      );
    } catch (caught) {
      if (caught instanceof ApiError && restartCodes.has(caught.code)) return props.onRestart(caught);
      setError(caught);
      setCode('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)}>
      <CodeField
        label="Authentication code"
        value={code}
        onChange={setCode}
        help="The 6-digit code from your authenticator app, or one of your recovery codes."
      />
      <ErrorNote error={error} />
      <button type="submit" className="primary wide" disabled={busy}>
        {busy ? 'Checking…' : 'Verify'}
      </button>
      <button type="button" className="wide" onClick={() => props.onRestart(undefined)}>
        Use another account
      </button>
    </form>
  );
}

/** Two-factor sign-in is required and this admin has none: set it up before the first page. */
export function RequiredEnrolmentStep(props: {
  pending: SignInPending;
  onSignedIn: (session: ConsoleSession) => void;
  onRestart: (error: unknown) => void;
}) {
  const { pending, onRestart } = props;
  const [enrolment, setEnrolment] = useState<TwoFactorEnrolment>();
  const [enrolled, setEnrolled] = useState<EnrolledSession>();
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api('POST', '/api/admin/sign-in/enrolment', twoFactorEnrolmentSchema, { pendingToken: pending.pendingToken }).then(
      setEnrolment,
      (caught: unknown) =>
        caught instanceof ApiError && restartCodes.has(caught.code) ? onRestart(caught) : setError(caught),
    );
  }, [pending.pendingToken, onRestart]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setEnrolled(
        await api('POST', '/api/admin/sign-in/enrolment/confirm', enrolledSessionSchema, {
          pendingToken: pending.pendingToken,
          code,
        }),
      );
    } catch (caught) {
      if (caught instanceof ApiError && restartCodes.has(caught.code)) return onRestart(caught);
      setError(caught);
      setCode('');
    } finally {
      setBusy(false);
    }
  }

  if (enrolled) {
    return (
      <>
        <RecoveryCodesList codes={enrolled.recoveryCodes} />
        <button type="button" className="primary wide" onClick={() => props.onSignedIn(enrolled.session)}>
          I have stored them — continue
        </button>
      </>
    );
  }
  return (
    <>
      <p className="note" role="status">
        Two-factor sign-in is required for every admin. Set it up now to continue.
      </p>
      {enrolment ? <EnrolmentDetails enrolment={enrolment} /> : <p className="loading">Loading…</p>}
      <form onSubmit={(event) => void submit(event)}>
        <CodeField label="Code from the app" value={code} onChange={setCode} numeric />
        <ErrorNote error={error} />
        <button type="submit" className="primary wide" disabled={busy || !enrolment}>
          {busy ? 'Checking…' : 'Turn on and sign in'}
        </button>
      </form>
    </>
  );
}
