import type { ProtectionSummary } from '@passline/contracts';
import { type KeyboardEvent, type ReactNode, useId, useState } from 'react';
import { allCountryCodes, type CountryNamer, countryLabel, sortByName } from './protection-countries.ts';

/** A labelled text input with its help and its error, marked up like the other settings forms. */
export function TextField(props: {
  label: string;
  help: ReactNode;
  unit?: string;
  value: string;
  error?: string;
  onChange: (value: string) => void;
  inputMode?: 'numeric' | 'decimal' | 'url' | 'text';
  placeholder?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id} className="label">
        {props.label}
        {props.unit ? <span className="muted"> ({props.unit})</span> : null}
      </label>
      <input
        id={id}
        type="text"
        inputMode={props.inputMode}
        placeholder={props.placeholder}
        value={props.value}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={`${id}-help${props.error ? ` ${id}-error` : ''}`}
        onChange={(event) => props.onChange(event.target.value)}
      />
      <p className="help" id={`${id}-help`}>
        {props.help}
      </p>
      {props.error ? (
        <p className="field-error" id={`${id}-error`}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

/** Countries to choose from: those seen in the last 30 days first, then all by name. */
export function CountrySelect(props: {
  id?: string;
  label?: string;
  value: string;
  onChange: (code: string) => void;
  seen: ProtectionSummary['countriesSeen'];
  nameOf: CountryNamer;
  emptyLabel: string;
}) {
  const seen = props.seen.map((entry) => entry.country);
  const others = sortByName(
    allCountryCodes.filter((code) => !seen.includes(code)),
    props.nameOf,
  );
  // A saved code the metadata does not know still shows as chosen.
  const unknown = props.value && !seen.includes(props.value) && !others.includes(props.value) ? [props.value] : [];
  return (
    <select
      id={props.id}
      aria-label={props.label}
      value={props.value}
      onChange={(event) => props.onChange(event.target.value)}
    >
      <option value="">{props.emptyLabel}</option>
      {seen.length ? (
        <optgroup label="Seen in the last 30 days">
          {props.seen.map((entry) => (
            <option key={entry.country} value={entry.country}>
              {countryLabel(entry.country, props.nameOf)}: {entry.sent.toLocaleString('en')} codes
            </option>
          ))}
        </optgroup>
      ) : null}
      <optgroup label={seen.length ? 'All countries' : 'Countries'}>
        {[...unknown, ...others].map((code) => (
          <option key={code} value={code}>
            {countryLabel(code, props.nameOf)}
          </option>
        ))}
      </optgroup>
    </select>
  );
}

/** Removable chips: a list the admin reads, with one "Remove" button per entry. */
export function Chips(props: {
  label: string;
  items: string[];
  show?: (item: string) => string;
  onRemove: (item: string) => void;
}) {
  if (props.items.length === 0) return <p className="muted small">None.</p>;
  return (
    <ul className="protection-chips" aria-label={props.label}>
      {props.items.map((item) => {
        const text = props.show ? props.show(item) : item;
        return (
          <li key={item} className="protection-chip">
            <span>{text}</span>
            <button
              type="button"
              className="icon-button"
              aria-label={`Remove ${text}`}
              onClick={() => props.onRemove(item)}
            >
              ×
            </button>
          </li>
        );
      })}
    </ul>
  );
}

/**
 * A list of short entries (IP ranges, prefixes, codes): type one or several (separated by commas) and press Enter or Add; each is checked before it joins the list.
 */
export function TagList(props: {
  label: string;
  help: ReactNode;
  values: string[];
  onChange: (values: string[]) => void;
  /** A problem with one entry, in words, or undefined when it is fine. */
  check: (item: string) => string | undefined;
  normalize?: (item: string) => string;
  show?: (item: string) => string;
  placeholder?: string;
  error?: string;
}) {
  const id = useId();
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string>();

  function add() {
    const items = text
      .split(/[,;\n]+/)
      .map((item) => (props.normalize ? props.normalize(item.trim()) : item.trim()))
      .filter(Boolean);
    if (items.length === 0) return;
    const bad = items.map((item) => [item, props.check(item)] as const).find(([, why]) => why);
    if (bad) {
      setProblem(`"${bad[0]}": ${bad[1]}`);
      return;
    }
    props.onChange([...props.values, ...items.filter((item) => !props.values.includes(item))]);
    setText('');
    setProblem(undefined);
  }
  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    // Enter adds the entry instead of submitting the whole form.
    if (event.key !== 'Enter') return;
    event.preventDefault();
    add();
  }

  const error = problem ?? props.error;
  return (
    <fieldset className="field protection-group">
      <legend className="label">{props.label}</legend>
      <Chips
        label={props.label}
        items={props.values}
        show={props.show}
        onRemove={(item) => props.onChange(props.values.filter((value) => value !== item))}
      />
      <div className="protection-add">
        <label htmlFor={id} className="visually-hidden">
          Add to {props.label.toLowerCase()}
        </label>
        <input
          id={id}
          type="text"
          value={text}
          placeholder={props.placeholder}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-help${error ? ` ${id}-error` : ''}`}
          onChange={(event) => {
            setText(event.target.value);
            setProblem(undefined);
          }}
          onKeyDown={onKeyDown}
        />
        <button type="button" onClick={add} disabled={!text.trim()}>
          Add
        </button>
      </div>
      <p className="help" id={`${id}-help`}>
        {props.help}
      </p>
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
