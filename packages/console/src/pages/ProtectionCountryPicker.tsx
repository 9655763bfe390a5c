import type { ProtectionSummary } from '@passline/contracts';
import { type KeyboardEvent, type ReactNode, useId, useState } from 'react';
import { Chips } from './ProtectionInputs.tsx';
import {
  allCountryCodes,
  type CountryNamer,
  countryLabel,
  searchCountries,
  sortByName,
} from './protection-countries.ts';

const shownResults = 8;

/**
 * Choosing countries: the chosen ones as removable chips, the countries that received codes in
 * the last 30 days as one-click chips (busiest first), and a search by name or code for the rest.
 */
export function CountryPicker(props: {
  label: string;
  help: ReactNode;
  selected: string[];
  onChange: (codes: string[]) => void;
  seen: ProtectionSummary['countriesSeen'];
  nameOf: CountryNamer;
  error?: string;
}) {
  const id = useId();
  const [query, setQuery] = useState('');
  const chosen = new Set(props.selected);
  const add = (code: string) => {
    if (!chosen.has(code)) props.onChange([...props.selected, code]);
  };
  const suggestions = [...props.seen].sort((a, b) => b.sent - a.sent).filter((entry) => !chosen.has(entry.country));
  const results = searchCountries(query, allCountryCodes, props.nameOf).filter((code) => !chosen.has(code));

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    // Enter takes the best match rather than submitting the form.
    if (event.key !== 'Enter') return;
    event.preventDefault();
    const [best] = results;
    if (best) {
      add(best);
      setQuery('');
    }
  }

  return (
    <fieldset className="field protection-group" aria-describedby={`${id}-help`}>
      <legend className="label">{props.label}</legend>
      <p className="help" id={`${id}-help`}>
        {props.help}
      </p>
      <Chips
        label={`${props.label}: chosen`}
        items={sortByName(props.selected, props.nameOf)}
        show={(code) => countryLabel(code, props.nameOf)}
        onRemove={(code) => props.onChange(props.selected.filter((item) => item !== code))}
      />
      {suggestions.length ? (
        <div className="protection-suggestions">
          <span className="small muted" id={`${id}-seen`}>
            Received codes in the last 30 days:
          </span>
          <ul className="protection-chips" aria-labelledby={`${id}-seen`}>
            {suggestions.map((entry) => (
              <li key={entry.country}>
                <button type="button" className="protection-chip-add" onClick={() => add(entry.country)}>
                  <span className="visually-hidden">Add </span>
                  {countryLabel(entry.country, props.nameOf)}{' '}
                  <span className="muted small">{entry.sent.toLocaleString('en')}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <label htmlFor={id} className="small">
        Find a country
      </label>
      <input
        id={id}
        type="search"
        autoComplete="off"
        placeholder="Name or code, e.g. Kenya or KE"
        value={query}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${id}-error` : undefined}
        onChange={(event) => setQuery(event.target.value)}
        onKeyDown={onKeyDown}
      />
      {query.trim() ? (
        results.length ? (
          <ul className="protection-results" aria-label="Matching countries">
            {results.slice(0, shownResults).map((code) => (
              <li key={code}>
                <button
                  type="button"
                  onClick={() => {
                    add(code);
                    setQuery('');
                  }}
                >
                  <span className="visually-hidden">Add </span>
                  {countryLabel(code, props.nameOf)}
                </button>
              </li>
            ))}
            {results.length > shownResults ? (
              <li className="muted small">and {results.length - shownResults} more: type more of the name.</li>
            ) : null}
          </ul>
        ) : (
          <p className="muted small" role="status">
            No country matches "{query.trim()}".
          </p>
        )
      ) : null}
      {props.error ? (
        <p className="field-error" id={`${id}-error`}>
          {props.error}
        </p>
      ) : null}
    </fieldset>
  );
}
