import type { ProtectionSummary } from '@passline/contracts';
import { useId } from 'react';
import { CountrySelect } from './ProtectionInputs.tsx';
import { type CountryNamer, countryLabel } from './protection-countries.ts';
import { type OverrideRow, overrideRange } from './protection-policy.ts';

/** Per-country hourly limits that replace the general one: a small editable table. */
export function OverridesTable(props: {
  rows: OverrideRow[];
  onChange: (rows: OverrideRow[]) => void;
  defaultLimit: string;
  seen: ProtectionSummary['countriesSeen'];
  nameOf: CountryNamer;
  error?: string;
}) {
  const id = useId();
  const change = (index: number, row: Partial<OverrideRow>) =>
    props.onChange(props.rows.map((current, at) => (at === index ? { ...current, ...row } : current)));
  const rowName = (row: OverrideRow, index: number) =>
    row.country ? countryLabel(row.country, props.nameOf) : `row ${index + 1}`;
  return (
    <fieldset className="field protection-group" aria-describedby={`${id}-help${props.error ? ` ${id}-error` : ''}`}>
      <legend className="label">Per-country hourly limits</legend>
      <p className="help" id={`${id}-help`}>
        Replace "Codes per country per hour" for these countries: lower for a country you rarely serve, higher for your
        main market. {overrideRange.min}–{overrideRange.max.toLocaleString('en')}; 0 refuses every code to it.
      </p>
      {props.rows.length ? (
        <table className="table protection-overrides">
          <thead>
            <tr>
              <th scope="col">Country</th>
              <th scope="col">Codes per hour</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((row, index) => (
              // Rows have no id of their own; the position is stable while the admin edits.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above.
              <tr key={index}>
                <td>
                  <CountrySelect
                    label={`Country, row ${index + 1}`}
                    value={row.country}
                    onChange={(country) => change(index, { country })}
                    seen={props.seen}
                    nameOf={props.nameOf}
                    emptyLabel="Choose a country"
                  />
                </td>
                <td>
                  <input
                    type="text"
                    inputMode="numeric"
                    aria-label={`Codes per hour, ${rowName(row, index)}`}
                    value={row.limit}
                    onChange={(event) => change(index, { limit: event.target.value })}
                  />
                </td>
                <td>
                  <button
                    type="button"
                    onClick={() => props.onChange(props.rows.filter((_, at) => at !== index))}
                    aria-label={`Remove ${rowName(row, index)}`}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted small">None: every country has the general limit.</p>
      )}
      <button type="button" onClick={() => props.onChange([...props.rows, { country: '', limit: props.defaultLimit }])}>
        Add a country
      </button>
      {props.error ? (
        <p className="field-error" id={`${id}-error`}>
          {props.error}
        </p>
      ) : null}
    </fieldset>
  );
}
