import { type TestSendResult, testSendResultSchema } from '@passline/contracts';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { useId, useState } from 'react';
import { ApiError, api } from '../api.ts';
import { href, navigate } from '../router.ts';
import { LinkedText } from './LinkedText.tsx';

/** The connector that delivers to the console's Dev outbox instead of a phone. */
const devSmsFactoryId = 'dev-sms';

/** How a phone number reads as typed: fine, or what is wrong with it, in words. */
export function checkPhone(value: string): { ok: boolean; message: string } {
  const text = value.trim();
  if (text === '') return { ok: false, message: 'Enter a phone number in international format, e.g. +1 415 555 2671.' };
  if (!text.startsWith('+')) return { ok: false, message: 'Start with + and the country code, e.g. +44 for the UK.' };
  const parsed = parsePhoneNumberFromString(text);
  if (!parsed?.isValid()) return { ok: false, message: 'This is not a valid phone number yet.' };
  return { ok: true, message: `${parsed.formatInternational()} (${parsed.country ?? 'international'})` };
}

/**
 * Sends the Generic template through the configuration as it is in the form, unsaved, so the
 * admin can check credentials and templates before committing. The provider's own words are shown.
 */
export function TestPanel(props: {
  factoryId: string;
  connectorId?: string;
  /** The config to test, or a reason it cannot be tested yet. */
  getConfig: () => { config: Record<string, unknown> } | { problem: string };
}) {
  const id = useId();
  const [phone, setPhone] = useState('');
  const [sending, setSending] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: true; result: TestSendResult } | { ok: false; error: unknown }>();
  const check = checkPhone(phone);

  async function send() {
    const built = props.getConfig();
    if ('problem' in built) {
      setOutcome({ ok: false, error: new Error(built.problem) });
      return;
    }
    setSending(true);
    setOutcome(undefined);
    try {
      const result = await api(
        'POST',
        `/api/connector-factories/${encodeURIComponent(props.factoryId)}/test`,
        testSendResultSchema,
        {
          to: phone.trim(),
          config: built.config,
          ...(props.connectorId ? { connectorId: props.connectorId } : {}),
        },
      );
      setOutcome({ ok: true, result });
    } catch (error) {
      setOutcome({ ok: false, error });
    } finally {
      setSending(false);
    }
  }

  return (
    <section className="panel test-panel" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Test the configuration</h3>
      <p className="help">
        {props.connectorId
          ? 'Sends the Generic template with a random code to this number, using the values above, including changes you have not saved; a secret left as •••••••• uses the saved one.'
          : 'Sends the Generic template with a random code to this number, using the values above (not yet saved).'}
      </p>
      <form
        className="test-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (check.ok && !sending) void send();
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-phone`} className="label">
            Phone number
          </label>
          <input
            id={`${id}-phone`}
            type="tel"
            autoComplete="tel"
            value={phone}
            placeholder="+1 415 555 2671"
            aria-invalid={phone !== '' && !check.ok ? true : undefined}
            aria-describedby={`${id}-phone-check`}
            onChange={(event) => setPhone(event.target.value)}
          />
          <p id={`${id}-phone-check`} className={phone === '' ? 'help' : check.ok ? 'help ok-text' : 'field-error'}>
            {check.message}
          </p>
        </div>
        <button type="submit" className="primary" disabled={!check.ok || sending}>
          {sending ? 'Sending…' : 'Send'}
        </button>
      </form>
      <div aria-live="polite" data-testid="test-outcome">
        {outcome?.ok ? (
          <p className="note note-ok" role="status">
            Test SMS sent to {outcome.result.to}
            {outcome.result.messageId ? ` (provider message id ${outcome.result.messageId})` : ''} in{' '}
            {outcome.result.latencyMs} ms.{' '}
            {props.factoryId === devSmsFactoryId ? (
              <>
                Development SMS delivers to the{' '}
                <a
                  href={href('/dev-outbox')}
                  onClick={(event) => {
                    event.preventDefault();
                    void navigate('/dev-outbox');
                  }}
                >
                  Dev outbox
                </a>
                : read the message there.
              </>
            ) : (
              'Check the phone.'
            )}
          </p>
        ) : null}
        {outcome && !outcome.ok ? <TestFailure error={outcome.error} /> : null}
      </div>
    </section>
  );
}

function TestFailure(props: { error: unknown }) {
  const error = props.error;
  if (!(error instanceof ApiError)) {
    return (
      <div className="note note-error" role="alert">
        {error instanceof Error ? error.message : String(error)}
      </div>
    );
  }
  const details = error.body.details ?? {};
  const providerMessage = typeof details.providerMessage === 'string' ? details.providerMessage : undefined;
  const providerCode =
    details.providerCode !== undefined && details.providerCode !== null ? String(details.providerCode) : undefined;
  const requestId = typeof details.providerRequestId === 'string' ? details.providerRequestId : undefined;
  return (
    <div className="note note-error" role="alert">
      <strong>The test SMS was not sent.</strong> <LinkedText text={error.message} />
      {providerMessage && !error.message.includes(providerMessage) ? (
        <p>
          The provider said: “<LinkedText text={providerMessage} />”{providerCode ? ` (code ${providerCode})` : ''}
        </p>
      ) : null}
      {requestId ? (
        <p>
          Provider request id: <code data-testid="provider-request-id">{requestId}</code> (quote it to the provider's
          support).
        </p>
      ) : null}
      {error.issues.length ? (
        <ul>
          {error.issues.map((issue) => (
            <li key={`${issue.path}:${issue.message}`}>
              {issue.path ? <code>{issue.path}</code> : null} {issue.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
