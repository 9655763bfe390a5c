import { type ProtectionSummary, protectionSettingsSchema } from '@passline/contracts';
import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api.ts';
import { ErrorNote } from '../components/ErrorNote.tsx';
import { useLeaveGuard } from '../use-leave-guard.ts';
import { AlertsSection, ChallengeSection } from './ProtectionChallenge.tsx';
import {
  BudgetsSection,
  CountriesSection,
  ExceptionsSection,
  GuardSection,
  ModeSection,
  NumberTypesSection,
  type SectionProps,
} from './ProtectionPolicySections.tsx';
import type { CountryNamer } from './protection-countries.ts';
import { settingLabels } from './protection-fields.ts';
import {
  changedFields,
  type Draft,
  draftOf,
  type FieldErrors,
  fieldErrorsFromApi,
  patchOf,
  readDraft,
  type SettingName,
  type Settings,
} from './protection-policy.ts';

/** The protection settings form; `onSaved` tells the page what the server now has. */
export function ProtectionPolicy(props: {
  saved: Settings;
  onSaved: (settings: Settings) => void;
  seen: ProtectionSummary['countriesSeen'];
  nameOf: CountryNamer;
}) {
  const { saved } = props;
  const [draft, setDraft] = useState<Draft>(() => draftOf(saved));
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState<string>();
  const [saving, setSaving] = useState(false);
  // Bumped on "Discard" and after a save, so sections with memory (the allowlist toggle) start over.
  const [generation, setGeneration] = useState(0);

  const changed = changedFields(saved, draft);
  useLeaveGuard(changed.length > 0, 'the protection settings');
  const { errors } = readDraft(draft);

  const update = (changes: Partial<Draft>) => {
    setStatus(undefined);
    setDraft((current) => ({ ...current, ...changes }));
    // A field the admin edits again no longer shows what the server said about its old value.
    setServerErrors((current) => {
      const next = { ...current };
      for (const name of Object.keys(changes)) delete next[name as SettingName];
      return next;
    });
  };
  const reset = (settings: Settings) => {
    setDraft(draftOf(settings));
    setServerErrors({});
    setGeneration((value) => value + 1);
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    setStatus(undefined);
    const problems = Object.keys(errors) as SettingName[];
    if (problems.length) {
      const names = problems.map((name) => settingLabels[name]).join(', ');
      setError(new Error(`Some fields need attention (${names}): see the messages under them.`));
      return;
    }
    setError(undefined);
    setSaving(true);
    try {
      // Only what the admin changed: a value another admin saved meanwhile is kept, and the
      // answer (the whole settings) shows it.
      const next = await api('PATCH', '/api/settings/protection', protectionSettingsSchema, patchOf(saved, draft));
      props.onSaved(next);
      reset(next);
      setStatus(
        next.mode === 'record_only'
          ? 'Saved. Protection records what it would refuse but refuses nothing.'
          : 'Saved. New sends are judged by these settings.',
      );
    } catch (caught) {
      setServerErrors(fieldErrorsFromApi(caught));
      setError(caught instanceof ApiError ? caught : new Error(String(caught)));
    } finally {
      setSaving(false);
    }
  }

  const section: SectionProps = {
    draft,
    update,
    errorOf: (name) => serverErrors[name] ?? errors[name],
    seen: props.seen,
    nameOf: props.nameOf,
  };
  return (
    <form
      className="protection-policy"
      aria-label="Protection policy"
      onSubmit={(event) => void submit(event)}
      noValidate
      key={generation}
    >
      <ModeSection {...section} />
      <CountriesSection {...section} />
      <NumberTypesSection {...section} />
      <BudgetsSection {...section} />
      <GuardSection {...section} />
      <ExceptionsSection {...section} />
      <ChallengeSection {...section} />
      <AlertsSection {...section} />
      <div className="panel protection-save">
        <ErrorNote error={error} prefix="Not saved." />
        {status ? (
          <p className="note note-ok" role="status">
            {status}
          </p>
        ) : null}
        <div className="actions">
          <span className="muted small" aria-live="polite">
            {changed.length ? `${changed.length} unsaved ${changed.length === 1 ? 'change' : 'changes'}` : ''}
          </span>
          <button type="button" disabled={changed.length === 0 || saving} onClick={() => reset(saved)}>
            Discard changes
          </button>
          <button type="submit" className="primary" disabled={changed.length === 0 || saving}>
            {saving ? 'Saving…' : 'Save'}
          </button>
        </div>
      </div>
    </form>
  );
}
