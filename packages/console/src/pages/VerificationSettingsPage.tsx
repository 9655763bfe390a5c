import { verificationSettingsSchema } from '@passline/contracts';
import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { ApiError, api } from '../api.ts';
import { ErrorNote } from '../components/ErrorNote.tsx';
import { useLeaveGuard } from '../use-leave-guard.ts';
import {
  changedFields,
  patchOf,
  type SettingName,
  type Settings,
  settingFields,
  validate,
} from '../verification-settings.ts';

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
    api('GET', '/api/settings/verification', verificationSettingsSchema).then(load, setError);
  }, [load]);

  const changed = values && saved ? changedFields(saved, values) : [];
  useLeaveGuard(changed.length > 0, 'the verification settings');

  if (!values || !saved) return error ? <ErrorNote error={error} /> : <p>Loading…</p>;
  const errors = validate(values);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (Object.keys(errors).length || !values) return;
    setError(undefined);
    setStatus(undefined);
    try {
      // Only what the admin changed: the server changes exactly the fields a PATCH names, so a
      // value another admin saved meanwhile is kept, and the response shows it.
      load(await api('PATCH', '/api/settings/verification', verificationSettingsSchema, patchOf(changed, values)));
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
