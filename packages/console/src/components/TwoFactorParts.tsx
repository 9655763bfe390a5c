import type { TwoFactorEnrolment } from '@passline/contracts';
import { useId } from 'react';
import { CopyButton } from '../pages/CopyButton.tsx';
import './two-factor.css';

/** The QR code to scan, and the secret and otpauth URI for apps (or people) that cannot scan it. */
export function EnrolmentDetails(props: { enrolment: TwoFactorEnrolment }) {
  const { enrolment } = props;
  return (
    <div className="two-factor-enrolment">
      <ol className="help">
        <li>Open an authenticator app (1Password, Google Authenticator, Aegis, …) and add an account.</li>
        <li>Scan the QR code, or type the secret key in by hand.</li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      <img
        src={enrolment.qrCodeDataUrl}
        alt="QR code for your authenticator app"
        width={200}
        height={200}
        className="two-factor-qr"
      />
      <p>
        Secret key: <code data-testid="totp-secret">{enrolment.secret}</code>{' '}
        <CopyButton text={enrolment.secret} label="Copy the secret key" />
      </p>
      <details>
        <summary>Setup link (otpauth://)</summary>
        <p>
          <code className="break-all">{enrolment.otpauthUri}</code>
        </p>
      </details>
    </div>
  );
}

/** Shown once: only their hashes are stored. */
export function RecoveryCodesList(props: { codes: string[] }) {
  const id = useId();
  return (
    <section className="note" aria-labelledby={id}>
      <h2 id={id}>Your recovery codes</h2>
      <p>
        Each code signs you in once if you lose your authenticator app. Store them somewhere safe now: they are not
        shown again.
      </p>
      <ul className="recovery-codes" data-testid="recovery-codes">
        {props.codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <CopyButton text={props.codes.join('\n')} label="Copy the recovery codes" />
    </section>
  );
}

/** A one-time code field: digits on phones, and the browser's one-time-code autofill. */
export function CodeField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  help?: string;
  numeric?: boolean;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id} className="label">
        {props.label}
      </label>
      <input
        id={id}
        value={props.value}
        required
        autoComplete="one-time-code"
        inputMode={props.numeric ? 'numeric' : 'text'}
        spellCheck={false}
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
