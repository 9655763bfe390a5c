import { type SignInExperience, signInExperienceSchema } from '@passline/contracts';
import { useEffect, useId, useState } from 'react';
import { ApiError, api } from '../api.ts';
import { ErrorNote } from '../components/ErrorNote.tsx';

const switches: Array<{ name: keyof SignInExperience; label: string; help: string }> = [
  {
    name: 'phoneSignIn',
    label: 'Sign in with an SMS code',
    help: 'Users sign in by typing the code sent to their phone.',
  },
  { name: 'signUp', label: 'Allow sign-up', help: 'New users can create an account with their phone number.' },
  { name: 'password', label: 'Passwords', help: 'Users may also set a password and sign in with it.' },
];

/** After an SMS connector works, the admin turns on sign-in by SMS code here. */
export function SignInExperiencePage() {
  const id = useId();
  const [value, setValue] = useState<SignInExperience>();
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState<string>();

  useEffect(() => {
    api('GET', '/api/settings/sign-in-experience', signInExperienceSchema).then(setValue, setError);
  }, []);

  async function toggle(name: keyof SignInExperience, checked: boolean) {
    setError(undefined);
    setStatus(undefined);
    try {
      setValue(await api('PATCH', '/api/settings/sign-in-experience', signInExperienceSchema, { [name]: checked }));
      setStatus('Saved.');
    } catch (caught) {
      setError(caught);
    }
  }

  const unsupported = error instanceof ApiError && error.status === 404;
  return (
    <>
      <h1 tabIndex={-1}>Sign-in experience</h1>
      <section className="panel" aria-label="Sign-in methods">
        {unsupported ? (
          <div className="note note-error" role="alert">
            This server does not offer sign-in experience settings yet ({error.message})
          </div>
        ) : (
          <ErrorNote error={error} prefix="Not saved." />
        )}
        {value ? (
          <ul className="switch-list">
            {switches.map((item) => (
              <li key={item.name}>
                <label className="switch">
                  <input
                    type="checkbox"
                    role="switch"
                    aria-checked={value[item.name]}
                    checked={value[item.name]}
                    aria-describedby={`${id}-${item.name}`}
                    onChange={(event) => void toggle(item.name, event.target.checked)}
                  />
                  <span>{item.label}</span>
                </label>
                <p className="help" id={`${id}-${item.name}`}>
                  {item.help}
                </p>
              </li>
            ))}
          </ul>
        ) : null}
        {status ? (
          <p className="note note-ok" role="status">
            {status}
          </p>
        ) : null}
      </section>
    </>
  );
}
