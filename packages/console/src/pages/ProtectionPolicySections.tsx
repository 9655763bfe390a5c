import { type NumberType, numberTypes, type ProtectionSummary } from '@passline/contracts';
import { type ReactNode, useId, useState } from 'react';
import { CountryPicker } from './ProtectionCountryPicker.tsx';
import { TagList, TextField } from './ProtectionInputs.tsx';
import { OverridesTable } from './ProtectionOverrides.tsx';
import { type CountryNamer, countryLabel } from './protection-countries.ts';
import { checkCountryCode, checkIpRange, checkNumberPrefix, normalizeNumberPrefix } from './protection-entries.ts';
import { fieldText } from './protection-fields.ts';
import { numberTypeHelp } from './protection-labels.ts';
import { type Draft, type IntegerName, type PercentName, rangeText, type SettingName } from './protection-policy.ts';

export interface SectionProps {
  draft: Draft;
  update: (changes: Partial<Draft>) => void;
  errorOf: (name: SettingName) => string | undefined;
  seen: ProtectionSummary['countriesSeen'];
  nameOf: CountryNamer;
}

export function Section(props: { title: string; children: ReactNode; intro?: ReactNode }) {
  const id = useId();
  return (
    <section className="panel protection-section" aria-labelledby={id}>
      <h2 id={id}>{props.title}</h2>
      {props.intro ? <p className="help protection-intro">{props.intro}</p> : null}
      {props.children}
    </section>
  );
}

/** A typed number setting, with its range from the contract. */
export function NumberField(props: SectionProps & { name: IntegerName | PercentName }) {
  const text = fieldText[props.name];
  return (
    <TextField
      label={text.label}
      unit={text.unit}
      help={`${text.help} ${rangeText(props.name)}.`}
      inputMode={text.unit === '%' ? 'decimal' : 'numeric'}
      value={props.draft[props.name]}
      error={props.errorOf(props.name)}
      onChange={(value) => props.update({ [props.name]: value })}
    />
  );
}

export function ModeSection(props: SectionProps) {
  const options = [
    { value: 'enforce', label: 'Enforce', help: 'Sends that break the policy are refused.' },
    {
      value: 'record_only',
      label: 'Record only',
      help: 'Nothing is refused; every send the policy would refuse is recorded, for a first week of tuning.',
    },
  ] as const;
  return (
    <Section title="Mode">
      <fieldset className="field protection-group">
        <legend className="visually-hidden">Mode</legend>
        {options.map((option) => (
          <div key={option.value} className="protection-choice">
            <label>
              <input
                type="radio"
                name="protection-mode"
                value={option.value}
                checked={props.draft.mode === option.value}
                onChange={() => props.update({ mode: option.value })}
              />{' '}
              <strong>{option.label}</strong>
            </label>
            <p className="help">{option.help}</p>
          </div>
        ))}
      </fieldset>
      {props.draft.mode === 'record_only' ? (
        <p className="note note-warn">
          <strong>Record only: nothing is refused.</strong> SMS pumping costs money while this is on. Watch the overview
          and the events, then switch back to Enforce.
        </p>
      ) : null}
    </Section>
  );
}

export function CountriesSection(props: SectionProps) {
  const id = useId();
  // Turning the allowlist off and on again brings back the countries it had.
  const [remembered, setRemembered] = useState<string[]>(props.draft.allowedCountries ?? []);
  const only = props.draft.allowedCountries !== null;
  return (
    <Section title="Countries">
      <div className="field">
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            checked={only}
            aria-checked={only}
            aria-describedby={`${id}-only`}
            onChange={(event) => {
              if (event.target.checked) props.update({ allowedCountries: remembered });
              else {
                setRemembered(props.draft.allowedCountries ?? []);
                props.update({ allowedCountries: null });
              }
            }}
          />
          <span>Only these countries</span>
        </label>
        <p className="help" id={`${id}-only`}>
          Off: codes go to every country that is not blocked. On: only to the countries chosen below.
        </p>
      </div>
      {props.draft.allowedCountries !== null ? (
        <>
          <CountryPicker
            label="Allowed countries"
            help="Where your users are. Sends to any other country are refused."
            selected={props.draft.allowedCountries}
            onChange={(codes) => props.update({ allowedCountries: codes })}
            seen={props.seen}
            nameOf={props.nameOf}
            error={props.errorOf('allowedCountries')}
          />
          {props.draft.allowedCountries.length === 0 ? (
            <p className="note note-warn">No country is allowed: every send will be refused.</p>
          ) : null}
        </>
      ) : null}
      <CountryPicker
        label="Blocked countries"
        help="Never send codes here, whatever else allows it."
        selected={props.draft.blockedCountries}
        onChange={(codes) => props.update({ blockedCountries: codes })}
        seen={props.seen}
        nameOf={props.nameOf}
        error={props.errorOf('blockedCountries')}
      />
    </Section>
  );
}

export function NumberTypesSection(props: SectionProps) {
  const id = useId();
  const allowed = new Set(props.draft.allowedNumberTypes);
  const toggle = (type: NumberType, on: boolean) =>
    props.update({ allowedNumberTypes: numberTypes.filter((item) => (item === type ? on : allowed.has(item))) });
  const error = props.errorOf('allowedNumberTypes');
  return (
    <Section title="Number types" intro="Codes go only to the kinds of number ticked here.">
      <fieldset className="field protection-group protection-types">
        <legend className="visually-hidden">Allowed number types</legend>
        {numberTypes.map((type) => (
          <div key={type} className="protection-choice">
            <label>
              <input
                type="checkbox"
                checked={allowed.has(type)}
                aria-describedby={`${id}-${type}`}
                onChange={(event) => toggle(type, event.target.checked)}
              />{' '}
              {numberTypeHelp[type].label}
            </label>
            <p className="help" id={`${id}-${type}`}>
              {numberTypeHelp[type].help}
            </p>
          </div>
        ))}
      </fieldset>
      {allowed.size === 0 ? (
        <p className="note note-warn">No number type is allowed: every send will be refused.</p>
      ) : null}
      {error ? <p className="field-error">{error}</p> : null}
    </Section>
  );
}

export function BudgetsSection(props: SectionProps) {
  return (
    <Section title="Budgets" intro="Hourly and daily caps on codes. A send over any of them is refused.">
      <div className="grid">
        {(
          [
            'prefixWildcardDigits',
            'prefixHourlyLimit',
            'countryHourlyLimit',
            'globalHourlyLimit',
            'globalDailyLimit',
          ] as const
        ).map((name) => (
          <NumberField key={name} {...props} name={name} />
        ))}
      </div>
      <OverridesTable
        rows={props.draft.countryHourlyLimitOverrides}
        onChange={(rows) => props.update({ countryHourlyLimitOverrides: rows })}
        defaultLimit={props.draft.countryHourlyLimit}
        seen={props.seen}
        nameOf={props.nameOf}
        error={props.errorOf('countryHourlyLimitOverrides')}
      />
    </Section>
  );
}

export function GuardSection(props: SectionProps) {
  const id = useId();
  return (
    <Section
      title="Conversion guard"
      intro="Pumped codes are never entered. The guard refuses number ranges, client IPs and countries whose codes mostly go unentered."
    >
      <div className="field">
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            checked={props.draft.guardEnabled}
            aria-checked={props.draft.guardEnabled}
            aria-describedby={`${id}-help`}
            onChange={(event) => props.update({ guardEnabled: event.target.checked })}
          />
          <span>Conversion guard on</span>
        </label>
        <p className="help" id={`${id}-help`}>
          Blocks it sets show in the overview, where they can be cleared.
        </p>
      </div>
      <div className="grid">
        {(
          ['guardMinSends', 'guardMinRate', 'guardCountryFloor', 'guardCountryShare', 'guardBlockMinutes'] as const
        ).map((name) => (
          <NumberField key={name} {...props} name={name} />
        ))}
      </div>
    </Section>
  );
}

export function ExceptionsSection(props: SectionProps) {
  return (
    <Section
      title="Always allow"
      intro="Sends that match any of these bypass protection (per-number limits still apply)."
    >
      <TagList
        label="Client IP ranges"
        help="Your own servers or office, as addresses or CIDR ranges: 203.0.113.7, 203.0.113.0/24, 2001:db8::/32."
        placeholder="203.0.113.0/24"
        values={props.draft.alwaysAllowIpRanges}
        onChange={(values) => props.update({ alwaysAllowIpRanges: values })}
        check={checkIpRange}
        error={props.errorOf('alwaysAllowIpRanges')}
      />
      <TagList
        label="Countries"
        help="Two-letter codes of countries that bypass protection, e.g. GB."
        placeholder="GB"
        values={props.draft.alwaysAllowCountries}
        onChange={(values) => props.update({ alwaysAllowCountries: values })}
        normalize={(item) => item.toUpperCase()}
        show={(code) => countryLabel(code, props.nameOf)}
        check={checkCountryCode}
        error={props.errorOf('alwaysAllowCountries')}
      />
      <TagList
        label="Number prefixes"
        help="E.164 prefixes such as a QA team's range: +4477009."
        placeholder="+4477009"
        values={props.draft.alwaysAllowNumberPrefixes}
        onChange={(values) => props.update({ alwaysAllowNumberPrefixes: values })}
        normalize={normalizeNumberPrefix}
        check={checkNumberPrefix}
        error={props.errorOf('alwaysAllowNumberPrefixes')}
      />
    </Section>
  );
}
