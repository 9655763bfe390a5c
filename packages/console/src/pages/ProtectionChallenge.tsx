import { challengeTypes } from '@passline/contracts';
import { useId } from 'react';
import { TextField } from './ProtectionInputs.tsx';
import { NumberField, Section, type SectionProps } from './ProtectionPolicySections.tsx';
import { challengeLabels, fieldText } from './protection-fields.ts';

/** The challenge the Experience API asks end users to solve before it sends a code. */
export function ChallengeSection(props: SectionProps) {
  const id = useId();
  const { challenge } = props.draft;
  const captcha = challenge === 'turnstile' || challenge === 'hcaptcha' || challenge === 'recaptcha';
  const modes = [
    { value: 'adaptive', label: 'Adaptive', help: 'Only while a budget runs high or the guard has tripped.' },
    { value: 'always', label: 'Always', help: 'Before every code.' },
  ] as const;
  return (
    <Section
      title="Challenge"
      intro="What the Experience API (the hosted sign-in pages and apps that use it) asks end users to solve before it sends a code."
    >
      <div className="field">
        <label className="label" htmlFor={`${id}-type`}>
          Challenge
        </label>
        <select
          id={`${id}-type`}
          value={challenge}
          aria-describedby={`${id}-type-help`}
          onChange={(event) => {
            const next = challengeTypes.find((type) => type === event.target.value);
            if (next) props.update({ challenge: next });
          }}
        >
          {challengeTypes.map((type) => (
            <option key={type} value={type}>
              {challengeLabels[type]}
            </option>
          ))}
        </select>
        <p className="help" id={`${id}-type-help`}>
          Proof of work needs no account anywhere; a CAPTCHA needs the provider's site key here and its secret key in
          the server's environment.
        </p>
      </div>
      {challenge !== 'off' ? (
        <>
          <fieldset className="field protection-group">
            <legend className="label">When to ask</legend>
            {modes.map((mode) => (
              <div key={mode.value} className="protection-choice">
                <label>
                  <input
                    type="radio"
                    name={`${id}-mode`}
                    value={mode.value}
                    checked={props.draft.challengeMode === mode.value}
                    onChange={() => props.update({ challengeMode: mode.value })}
                  />{' '}
                  {mode.label}
                </label>
                <p className="help">{mode.help}</p>
              </div>
            ))}
          </fieldset>
          <div className="grid">
            {props.draft.challengeMode === 'adaptive' ? <NumberField {...props} name="challengeAdaptiveShare" /> : null}
            {challenge === 'pow' ? <NumberField {...props} name="challengePowMaxNumber" /> : null}
          </div>
        </>
      ) : null}
      {captcha ? (
        <>
          <div className="grid">
            <TextField
              label={fieldText.challengeSiteKey.label}
              help={fieldText.challengeSiteKey.help}
              value={props.draft.challengeSiteKey}
              error={props.errorOf('challengeSiteKey')}
              onChange={(value) => props.update({ challengeSiteKey: value })}
            />
            <TextField
              label={fieldText.challengeSiteverifyUrl.label}
              help={fieldText.challengeSiteverifyUrl.help}
              inputMode="url"
              placeholder="https://…"
              value={props.draft.challengeSiteverifyUrl}
              error={props.errorOf('challengeSiteverifyUrl')}
              onChange={(value) => props.update({ challengeSiteverifyUrl: value })}
            />
          </div>
          <p className="note">
            The CAPTCHA's secret key is not a setting: the server reads it from the environment variable{' '}
            <code>PASSLINE_CHALLENGE_SECRET</code>, so it never reaches the database or this page.
          </p>
        </>
      ) : null}
    </Section>
  );
}

export function AlertsSection(props: SectionProps) {
  return (
    <Section title="Alerts">
      <TextField
        label={fieldText.alertWebhookUrl.label}
        help={fieldText.alertWebhookUrl.help}
        inputMode="url"
        placeholder="https://…"
        value={props.draft.alertWebhookUrl}
        error={props.errorOf('alertWebhookUrl')}
        onChange={(value) => props.update({ alertWebhookUrl: value })}
      />
      <p className="note">
        Alerts are signed the Standard Webhooks way with the secret in the environment variable{' '}
        <code>PASSLINE_ALERT_WEBHOOK_SECRET</code> (not a setting, so it is never shown here). Check the{' '}
        <code>webhook-signature</code> header before trusting an alert.
      </p>
    </Section>
  );
}
