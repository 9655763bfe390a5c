import { type Factory, secretMask } from '@passline/contracts';
import { type ReactNode, useId, useMemo, useState } from 'react';
import { type Field, type FormState, templatesOptional } from '../config-form.ts';
import { vocabularyOf } from '../template-lint.ts';
import { TemplatesEditor } from './TemplatesEditor.tsx';

/** "Parameter configuration": one input per schema field, and the templates editor. */
export function ConfigFields(props: {
  factory: Factory;
  fields: Field[];
  state: FormState;
  onChange: (state: FormState) => void;
  fieldErrors: Record<string, string>;
  templateIssues: string[];
}) {
  const { fields, state } = props;
  const vocabulary = useMemo(() => vocabularyOf(props.factory), [props.factory]);
  const set = (name: string, value: string | boolean) =>
    props.onChange({ ...state, values: { ...state.values, [name]: value } });
  return (
    <div className="config-fields">
      {fields.map((field) =>
        field.kind === 'templates' ? (
          <TemplatesEditor
            key={field.name}
            label={field.label}
            description={field.schema.description}
            value={state.templates}
            onChange={(templates) => props.onChange({ ...state, templates })}
            itemSchema={field.schema.items}
            vocabulary={vocabulary}
            optional={templatesOptional(props.factory, fields)}
            serverIssues={props.templateIssues}
          />
        ) : (
          <FieldInput
            key={field.name}
            field={field}
            value={state.values[field.name] ?? ''}
            error={props.fieldErrors[field.name]}
            onChange={(value) => set(field.name, value)}
          />
        ),
      )}
    </div>
  );
}

function FieldInput(props: {
  field: Field;
  value: string | boolean;
  error: string | undefined;
  onChange: (value: string | boolean) => void;
}) {
  const { field } = props;
  const id = useId();
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const [revealed, setRevealed] = useState(false);
  const describedBy = [field.schema.description ? helpId : '', props.error ? errorId : ''].filter(Boolean).join(' ');
  const common = {
    id,
    name: field.name,
    'aria-invalid': props.error ? true : undefined,
    'aria-describedby': describedBy || undefined,
    'aria-required': field.required || undefined,
  };
  const label = (
    <label htmlFor={id} className="label">
      {field.label}
      {field.required ? <span className="required"> (required)</span> : null}
    </label>
  );
  let input: ReactNode;
  if (field.kind === 'switch') {
    return (
      <div className="field field-switch">
        <label className="switch">
          <input
            {...common}
            type="checkbox"
            role="switch"
            aria-checked={props.value === true}
            checked={props.value === true}
            onChange={(event) => props.onChange(event.target.checked)}
          />
          <span>{field.label}</span>
        </label>
        {field.schema.description ? (
          <p className="help" id={helpId}>
            {field.schema.description}
          </p>
        ) : null}
      </div>
    );
  }
  if (field.kind === 'select') {
    input = (
      <select {...common} value={String(props.value)} onChange={(event) => props.onChange(event.target.value)}>
        {field.required ? null : <option value="">(default)</option>}
        {field.options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    );
  } else if (field.kind === 'secret') {
    const stored = props.value === secretMask;
    input = (
      <div className="secret">
        <input
          {...common}
          type={revealed && !stored ? 'text' : 'password'}
          autoComplete="off"
          spellCheck={false}
          value={String(props.value)}
          placeholder={field.placeholder}
          onFocus={(event) => {
            // A stored secret is shown as the mask; typing replaces it, leaving it keeps it.
            if (stored) event.target.select();
          }}
          onChange={(event) => props.onChange(event.target.value)}
        />
        <button
          type="button"
          aria-pressed={revealed}
          aria-label={revealed ? `Hide ${field.label}` : `Show ${field.label}`}
          disabled={stored}
          onClick={() => setRevealed(!revealed)}
        >
          {revealed ? 'Hide' : 'Show'}
        </button>
      </div>
    );
  } else {
    input = (
      <input
        {...common}
        type="text"
        inputMode={field.kind === 'number' ? 'numeric' : undefined}
        autoComplete="off"
        spellCheck={false}
        value={String(props.value)}
        placeholder={field.placeholder}
        onChange={(event) => props.onChange(event.target.value)}
      />
    );
  }
  return (
    <div className="field">
      {label}
      {input}
      {field.kind === 'secret' && props.value === secretMask ? (
        <p className="help">Stored encrypted. Leave it to keep it, or type a new value.</p>
      ) : null}
      {field.schema.description ? (
        <p className="help" id={helpId}>
          {field.schema.description}
        </p>
      ) : null}
      {props.error ? (
        <p className="field-error" id={errorId}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}
