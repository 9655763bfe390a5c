import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { ApiError, api } from '../api.ts';
import { ErrorNote } from '../components/ErrorNote.tsx';

type Settings = Record<SettingName, number>;
type SettingName =
  | 'codeLength'
  | 'codeTtlSeconds'
  | 'maxAttempts'
  | 'resendCooldownSeconds'
  | 'phoneHourlyLimit'
  | 'phoneDailyLimit'
  | 'ipHourlyLimit';

// The ranges mirror the server's schema, so mistakes show while typing; the server checks again.
const settingFields: Array<{
  name: SettingName;
  label: string;
  help: string;
  min: number;
  max: number;
  unit?: string;
}> = [
  { name: 'codeLength', label: 'Code length', help: 'Digits in a code.', min: 4, max: 10, unit: 'digits' },
  {
    name: 'codeTtlSeconds',
    label: 'Validity',
    help: 'How long a code can be used.',
    min: 60,
    max: 3600,
    unit: 'seconds',
  },
  {
    name: 'maxAttempts',
    label: 'Attempt limit',
    help: 'Wrong codes allowed before the code stops working.',
    min: 1,
    max: 20,
    unit: 'attempts',
  },
  {
    name: 'resendCooldownSeconds',
    label: 'Resend cooldown',
    help: 'Wait between two codes to one number.',
    min: 0,
    max: 3600,
    unit: 'seconds',
  },
  {
    name: 'phoneHourlyLimit',
    label: 'Codes per number per hour',
    help: 'Send limit for one phone number.',
    min: 1,
    max: 1000,
  },
  {
    name: 'phoneDailyLimit',
    label: 'Codes per number per day',
    help: 'Must be at least the hourly limit.',
    min: 1,
    max: 10000,
  },
  {
    name: 'ipHourlyLimit',
    label: 'Codes per IP address per hour',
    help: 'Limits SMS pumping from one client.',
    min: 1,
    max: 100000,
  },
];

function validate(values: Record<SettingName, string>): Partial<Record<SettingName, string>> {
  const errors: Partial<Record<SettingName, string>> = {};
  for (const field of settingFields) {
    const text = values[field.name].trim();
    const number = Number(text);
    if (text === '' || !Number.isInteger(number)) errors[field.name] = `${field.label} must be a whole number.`;
    else if (number < field.min || number > field.max) {
      errors[field.name] =
        `${field.label} must be between ${field.min} and ${field.max}${field.unit ? ` ${field.unit}` : ''}.`;
    }
  }
  if (
    !errors.phoneHourlyLimit &&
    !errors.phoneDailyLimit &&
    Number(values.phoneHourlyLimit) > Number(values.phoneDailyLimit)
  ) {
    errors.phoneDailyLimit = 'The daily limit cannot be lower than the hourly limit.';
  }
  return errors;
}

export function VerificationSettingsPage() {
  const id = useId();
  const [saved, setSaved] = useState<Settings>();
  const [values, setValues] = useState<Record<SettingName, string>>();
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState<string>();
  const [touched, setTouched] = useState(false);

  const load = useCallback((settings: Settings) => {
    setSaved(settings);
    setValues(
      Object.fromEntries(settingFields.map((field) => [field.name, String(settings[field.name])])) as Record<
        SettingName,
        string
      >,
    );
  }, []);
  useEffect(() => {
    api<Settings>('GET', '/api/settings/verification').then(load, setError);
  }, [load]);

  if (!values || !saved) return error ? <ErrorNote error={error} /> : <p>Loading…</p>;
  const errors = validate(values);
  const changed = settingFields.filter((field) => String(saved[field.name]) !== values[field.name].trim());

  async function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (Object.keys(errors).length || !values) return;
    setError(undefined);
    setStatus(undefined);
    try {
      const patch = Object.fromEntries(changed.map((field) => [field.name, Number(values[field.name])]));
      load(await api<Settings>('PATCH', '/api/settings/verification', patch));
      setStatus('Saved. New codes use these settings.');
      setTouched(false);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new Error(String(caught)));
    }
  }

  return (
    <>
      <h1 tabIndex={-1}>Verification settings</h1>
      <form className="panel settings-form" onSubmit={(event) => void submit(event)} noValidate>
        <div className="grid">
          {settingFields.map((field) => {
            const problem = errors[field.name];
            const show = problem && (touched || values[field.name] !== String(saved[field.name]));
            return (
              <div className="field" key={field.name}>
                <label htmlFor={`${id}-${field.name}`} className="label">
                  {field.label}
                  {field.unit ? <span className="muted"> ({field.unit})</span> : null}
                </label>
                <input
                  id={`${id}-${field.name}`}
                  type="text"
                  inputMode="numeric"
                  value={values[field.name]}
                  aria-invalid={show ? true : undefined}
                  aria-describedby={`${id}-${field.name}-help${show ? ` ${id}-${field.name}-error` : ''}`}
                  onChange={(event) => {
                    setStatus(undefined);
                    setValues({ ...values, [field.name]: event.target.value });
                  }}
                />
                <p className="help" id={`${id}-${field.name}-help`}>
                  {field.help} {field.min}–{field.max}.
                </p>
                {show ? (
                  <p className="field-error" id={`${id}-${field.name}-error`}>
                    {problem}
                  </p>
                ) : null}
              </div>
            );
          })}
        </div>
        <ErrorNote error={error} prefix="Not saved." />
        {status ? (
          <p className="note note-ok" role="status">
            {status}
          </p>
        ) : null}
        <div className="actions">
          <button type="button" disabled={changed.length === 0} onClick={() => load(saved)}>
            Discard changes
          </button>
          <button type="submit" className="primary" disabled={changed.length === 0}>
            Save
          </button>
        </div>
      </form>
    </>
  );
}
