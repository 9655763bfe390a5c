import { type IntegrationSettings, integrationSettingsSchema, supabaseHookSecretPattern } from '@passline/contracts';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { api } from '../api.ts';
import { useConfirm } from '../components/Confirm.tsx';
import { ErrorNote } from '../components/ErrorNote.tsx';
import { href, navigate } from '../router.ts';
import { CopyButton } from './CopyButton.tsx';

/**
 * Passline as the SMS backend of Logto and Supabase Auth: what to paste on their side, and the
 * Supabase hook secret, which the server keeps sealed and never shows again.
 */
export function IntegrationsPage() {
  const [settings, setSettings] = useState<IntegrationSettings>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api('GET', '/api/settings/integrations', integrationSettingsSchema).then(setSettings, setError);
  }, []);

  if (!settings) return error ? <ErrorNote error={error} /> : <p>Loading…</p>;
  return (
    <>
      <h1 tabIndex={-1}>Integrations</h1>
      <p className="muted">
        Logto and Supabase Auth issue and check their own codes; Passline delivers them with its templates, routing,
        protection, limits and message log.
      </p>
      <LogtoPanel endpoint={settings.logto.endpoint} />
      <SupabasePanel settings={settings} onSaved={setSettings} />
    </>
  );
}

function ApiKeysLink() {
  return (
    <a
      href={href('/api-keys')}
      onClick={(event) => {
        event.preventDefault();
        void navigate('/api-keys');
      }}
    >
      API keys
    </a>
  );
}

function LogtoPanel(props: { endpoint: string }) {
  return (
    <section className="panel" aria-labelledby="integrations-logto">
      <h2 id="integrations-logto">Logto: HTTP SMS connector</h2>
      <ol>
        <li>
          In <ApiKeysLink />, create a key with the <strong>relay</strong> scope (it can only hand codes to Passline for
          delivery).
        </li>
        <li>
          In the Logto console, open <strong>Connectors</strong>, set up an SMS connector and choose{' '}
          <strong>HTTP SMS</strong>.
        </li>
        <li>
          Endpoint: <code data-testid="logto-endpoint">{props.endpoint}</code>{' '}
          <CopyButton text={props.endpoint} label="Copy the Logto endpoint" />
        </li>
        <li>
          Authorization Header: <code>Bearer &lt;your relay key&gt;</code>
        </li>
      </ol>
      <p className="help">
        Logto's SignIn, Register and ForgotPassword codes use those templates of your connector; every other type
        (Generic, Test, MfaVerification, BindMfa, …) uses the Generic template.
      </p>
    </section>
  );
}

function SupabasePanel(props: { settings: IntegrationSettings; onSaved: (settings: IntegrationSettings) => void }) {
  const id = useId();
  const confirm = useConfirm();
  const { supabase } = props.settings;
  const [secret, setSecret] = useState('');
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState<string>();
  const problem = supabaseHookSecretPattern.test(secret.trim())
    ? undefined
    : 'Paste the secret Supabase shows, like v1,whsec_…';
  const showProblem = touched && problem !== undefined;

  async function save(hookSecret: string | null, done: string) {
    setError(undefined);
    setStatus(undefined);
    try {
      props.onSaved(
        await api('PATCH', '/api/settings/integrations', integrationSettingsSchema, { supabase: { hookSecret } }),
      );
      setSecret('');
      setTouched(false);
      setStatus(done);
    } catch (caught) {
      setError(caught);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (problem) return;
    void save(secret.trim(), 'Saved. Supabase can now send its codes through Passline.');
  }

  async function remove() {
    const yes = await confirm({
      title: 'Remove the hook secret?',
      message: 'Supabase’s Send SMS hook calls are refused until a secret is set again.',
      confirmLabel: 'Remove',
      danger: true,
    });
    if (yes) await save(null, 'Removed. The Send SMS hook is refused until a secret is set.');
  }

  return (
    <section className="panel" aria-labelledby="integrations-supabase">
      <h2 id="integrations-supabase">Supabase Auth: Send SMS hook</h2>
      <ol>
        <li>
          In the Supabase dashboard, open <strong>Authentication → Auth Hooks</strong>, add a <strong>Send SMS</strong>{' '}
          hook and choose <strong>HTTPS</strong>.
        </li>
        <li>
          URL: <code data-testid="supabase-endpoint">{supabase.endpoint}</code>{' '}
          <CopyButton text={supabase.endpoint} label="Copy the Supabase hook URL" />
        </li>
        <li>Generate the secret there, copy it, and paste it below.</li>
      </ol>
      <p role="status" data-testid="supabase-secret-state">
        {supabase.hookSecretSet
          ? `A hook secret is set${supabase.updatedAt ? ` (since ${new Date(supabase.updatedAt).toLocaleString()})` : ''}. Passline never shows it again.`
          : 'No hook secret is set: Supabase’s calls are refused.'}
      </p>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label className="label" htmlFor={`${id}-secret`}>
            {supabase.hookSecretSet ? 'Replace the hook secret' : 'Hook secret'}
          </label>
          <input
            id={`${id}-secret`}
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder="v1,whsec_…"
            value={secret}
            aria-invalid={showProblem ? true : undefined}
            aria-describedby={`${id}-secret-help${showProblem ? ` ${id}-secret-error` : ''}`}
            onChange={(event) => {
              setStatus(undefined);
              setSecret(event.target.value);
            }}
          />
          <p className="help" id={`${id}-secret-help`}>
            Kept encrypted; a new encryption key re-encrypts it with <code>passline keys rotate</code>.
          </p>
          {showProblem ? (
            <p className="field-error" id={`${id}-secret-error`}>
              {problem}
            </p>
          ) : null}
        </div>
        <ErrorNote error={error} prefix="Not saved." />
        {status ? (
          <p className="note note-ok" role="status">
            {status}
          </p>
        ) : null}
        <div className="actions">
          {supabase.hookSecretSet ? (
            <button type="button" className="danger" onClick={() => void remove()}>
              Remove secret
            </button>
          ) : null}
          <button type="submit" className="primary" disabled={secret.trim() === ''}>
            Save secret
          </button>
        </div>
      </form>
    </section>
  );
}
