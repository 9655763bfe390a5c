import { type ApplicationType, applicationInputLimits, applicationTypes } from '@passline/contracts';
import { useId } from 'react';
import { type ApplicationFields, applicationTypeHelp, applicationTypeLabels } from './applications.ts';

const redirectExample: Record<ApplicationType, string> = {
  web: 'https://app.example.com/callback',
  spa: 'https://app.example.com/callback',
  native: 'com.example.app:/callback',
};

/**
 * The fields of an application, for creating one and for its details page. The type is chosen
 * only on creation (`typeChoice`): it decides whether the client has a secret, so it cannot change.
 */
export function ApplicationForm(props: {
  fields: ApplicationFields;
  onChange: (fields: ApplicationFields) => void;
  type: ApplicationType;
  typeChoice?: (type: ApplicationType) => void;
}) {
  const id = useId();
  const { fields, onChange, type, typeChoice } = props;
  const set = (patch: Partial<ApplicationFields>) => onChange({ ...fields, ...patch });
  return (
    <>
      <div className="field">
        <label className="label" htmlFor={`${id}-name`}>
          Name
        </label>
        <input
          id={`${id}-name`}
          value={fields.name}
          required
          maxLength={applicationInputLimits.name}
          autoComplete="off"
          placeholder="My app"
          onChange={(event) => set({ name: event.target.value })}
        />
      </div>
      {typeChoice ? (
        <fieldset className="field type-choice">
          <legend className="label">Application type</legend>
          {applicationTypes.map((option) => (
            <label key={option} className="type-option">
              <input
                type="radio"
                name={`${id}-type`}
                value={option}
                checked={type === option}
                aria-describedby={`${id}-type-${option}`}
                onChange={() => typeChoice(option)}
              />
              <span>
                <span className="type-name">{applicationTypeLabels[option]}</span>
                <span className="help" id={`${id}-type-${option}`}>
                  {applicationTypeHelp[option]}
                  {option === 'web' ? ' Gets a client secret.' : ' PKCE (S256) is required.'}
                </span>
              </span>
            </label>
          ))}
        </fieldset>
      ) : null}
      <div className="field">
        <label className="label" htmlFor={`${id}-redirects`}>
          Redirect URIs
        </label>
        <textarea
          id={`${id}-redirects`}
          rows={3}
          value={fields.redirectUris}
          spellCheck={false}
          autoCapitalize="off"
          placeholder={redirectExample[type]}
          aria-describedby={`${id}-redirects-help`}
          onChange={(event) => set({ redirectUris: event.target.value })}
        />
        <p className="help" id={`${id}-redirects-help`}>
          One per line, at least one. Passline sends users back only to these addresses after they sign in.
        </p>
      </div>
      <div className="field">
        <label className="label" htmlFor={`${id}-logout`}>
          Post-logout redirect URIs <span className="required">(optional)</span>
        </label>
        <textarea
          id={`${id}-logout`}
          rows={2}
          value={fields.postLogoutRedirectUris}
          spellCheck={false}
          autoCapitalize="off"
          placeholder="https://app.example.com/"
          aria-describedby={`${id}-logout-help`}
          onChange={(event) => set({ postLogoutRedirectUris: event.target.value })}
        />
        <p className="help" id={`${id}-logout-help`}>
          One per line: where users may return after signing out.
        </p>
      </div>
      <div className="field">
        <label className="checkbox-label">
          <input
            type="checkbox"
            checked={fields.firstParty}
            aria-describedby={`${id}-first-party-help`}
            onChange={(event) => set({ firstParty: event.target.checked })}
          />
          First-party application
        </label>
        <p className="help" id={`${id}-first-party-help`}>
          Your own app: it skips the consent screen. Leave unchecked for someone else's app, so users are asked before
          it gets their data.
        </p>
      </div>
    </>
  );
}
