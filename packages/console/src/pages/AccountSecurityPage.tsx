import {
  type AdminSecuritySettings,
  adminSecuritySettingsSchema,
  noContentSchema,
  recoveryCodesSchema,
  type TwoFactorEnrolment,
  type TwoFactorStatus,
  twoFactorEnrolmentSchema,
  twoFactorStatusSchema,
} from '@passline/contracts';
import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { api } from '../api.ts';
import { ErrorNote } from '../components/ErrorNote.tsx';
import { CodeField, EnrolmentDetails, RecoveryCodesList } from '../components/TwoFactorParts.tsx';

/** What the admin typed to prove it is them: a code (6 digits or a recovery code), else the password. */
function proofOf(input: string): { code: string } | { password: string } {
  const compact = input.trim().replace(/[\s-]/g, '');
  return /^\d{6}$/.test(compact) || /^[0-9A-Za-z]{16}$/.test(compact) ? { code: input.trim() } : { password: input };
}

/** The signed-in admin's own two-factor sign-in, and the setting that requires it for everyone. */
export function AccountSecurityPage() {
  const [status, setStatus] = useState<TwoFactorStatus>();
  const [enrolment, setEnrolment] = useState<TwoFactorEnrolment>();
  const [recoveryCodes, setRecoveryCodes] = useState<string[]>();
  const [code, setCode] = useState('');
  const [proof, setProof] = useState('');
  const [error, setError] = useState<unknown>();

  const load = useCallback(
    () => api('GET', '/api/admin/two-factor', twoFactorStatusSchema).then(setStatus, setError),
    [],
  );
  useEffect(() => {
    void load();
  }, [load]);

  async function run(action: () => Promise<void>) {
    setError(undefined);
    try {
      await action();
      await load();
    } catch (caught) {
      setError(caught);
    }
  }

  const start = () =>
    run(async () => {
      setRecoveryCodes(undefined);
      setEnrolment(await api('POST', '/api/admin/two-factor/enrolment', twoFactorEnrolmentSchema));
    });

  const confirm = (event: FormEvent) => {
    event.preventDefault();
    return run(async () => {
      const answer = await api('POST', '/api/admin/two-factor/enrolment/confirm', recoveryCodesSchema, { code });
      setCode('');
      setEnrolment(undefined);
      setRecoveryCodes(answer.recoveryCodes);
    });
  };

  const withProof = (path: string, after: (codes?: string[]) => void) => (event?: FormEvent) => {
    event?.preventDefault();
    return run(async () => {
      const body = proofOf(proof);
      setProof('');
      if (path.endsWith('/disable')) {
        await api('POST', path, noContentSchema, body);
        after();
      } else after((await api('POST', path, recoveryCodesSchema, body)).recoveryCodes);
    });
  };

  return (
    <>
      <h1 tabIndex={-1}>Account security</h1>
      <section className="panel">
        <h2>Two-factor sign-in</h2>
        {status === undefined ? (
          <p className="loading">Loading…</p>
        ) : status.enabled ? (
          <>
            <p role="status">
              <strong>On</strong> since {new Date(status.enabledAt ?? '').toLocaleString()}. Signing in asks for a code
              from your authenticator app after the password. {status.recoveryCodesLeft} of 10 recovery codes left.
            </p>
            <form onSubmit={(event) => void withProof('/api/admin/two-factor/recovery-codes', setRecoveryCodes)(event)}>
              <CodeField
                label="Current code or password"
                value={proof}
                onChange={setProof}
                help="Needed to make new recovery codes or to turn two-factor sign-in off."
              />
              <div className="actions">
                <button type="submit">New recovery codes</button>
                <button
                  type="button"
                  className="danger"
                  disabled={status.required}
                  title={status.required ? 'Required for every admin' : undefined}
                  onClick={() => void withProof('/api/admin/two-factor/disable', () => setRecoveryCodes(undefined))()}
                >
                  Turn off
                </button>
              </div>
            </form>
          </>
        ) : enrolment ? (
          <>
            <EnrolmentDetails enrolment={enrolment} />
            <form onSubmit={(event) => void confirm(event)}>
              <CodeField label="Code from the app" value={code} onChange={setCode} numeric />
              <button type="submit" className="primary">
                Turn on
              </button>
            </form>
          </>
        ) : (
          <>
            <p role="status">
              <strong>Off.</strong> With it on, signing in needs a code from an authenticator app on your phone as well
              as your password.
            </p>
            <button type="button" className="primary" onClick={() => void start()}>
              Set up two-factor sign-in
            </button>
          </>
        )}
        {recoveryCodes ? <RecoveryCodesList codes={recoveryCodes} /> : null}
        <ErrorNote error={error} />
      </section>
      <RequireForAll onChanged={() => void load()} />
    </>
  );
}

/** Visible to every admin: whether two-factor sign-in is required for all of them. */
function RequireForAll(props: { onChanged: () => void }) {
  const id = useId();
  const [settings, setSettings] = useState<AdminSecuritySettings>();
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    api('GET', '/api/admin/security-settings', adminSecuritySettingsSchema).then(setSettings, setError);
  }, []);

  async function change(requireTwoFactor: boolean) {
    setError(undefined);
    // The box follows the click at once, and goes back if the server refuses.
    const previous = settings;
    setSettings({ requireTwoFactor });
    try {
      setSettings(
        await api('PATCH', '/api/admin/security-settings', adminSecuritySettingsSchema, { requireTwoFactor }),
      );
      props.onChanged();
    } catch (caught) {
      setSettings(previous);
      setError(caught);
    }
  }

  return (
    <section className="panel">
      <h2>Every admin</h2>
      <div className="field">
        <label htmlFor={id}>
          <input
            id={id}
            type="checkbox"
            checked={settings?.requireTwoFactor ?? false}
            disabled={settings === undefined}
            onChange={(event) => void change(event.target.checked)}
          />{' '}
          Require two-factor sign-in for every admin
        </label>
        <p className="help">
          Admins without it set it up right after their password at the next sign-in; turning this on signs them out.
          Turn it on for your own account first.
        </p>
      </div>
      <ErrorNote error={error} />
    </section>
  );
}
