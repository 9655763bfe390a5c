import {
  type ProtectionSettings,
  type ProtectionSummary,
  protectionSettingsSchema,
  protectionSummarySchema,
} from '@passline/contracts';
import { type KeyboardEvent, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api.ts';
import { ErrorNote } from '../components/ErrorNote.tsx';
import { useRoute } from '../router.ts';
import { ProtectionEvents } from './ProtectionEvents.tsx';
import { ProtectionOverview } from './ProtectionOverview.tsx';
import { ProtectionPolicy } from './ProtectionPolicy.tsx';
import { countryNamer } from './protection-countries.ts';
import './protection-page.css';

const tabs = [
  { id: 'overview', label: 'Overview' },
  { id: 'policy', label: 'Policy' },
  { id: 'events', label: 'Events' },
] as const;
type Tab = (typeof tabs)[number]['id'];

/** SMS-pumping protection: what it refused lately, the policy, and every refused send. */
export function ProtectionPage() {
  const { search } = useRoute();
  const [tab, setTab] = useState<Tab>(() => tabs.find((entry) => entry.id === search.get('tab'))?.id ?? 'overview');
  const [settings, setSettings] = useState<ProtectionSettings>();
  const [settingsError, setSettingsError] = useState<unknown>();
  const [summary, setSummary] = useState<ProtectionSummary>();
  const [summaryError, setSummaryError] = useState<unknown>();
  const [refreshKey, setRefreshKey] = useState(0);
  const tabRefs = useRef<Array<HTMLButtonElement | null>>([]);
  // Country names in the console's language (the page is English), from the browser's own data.
  const nameOf = useMemo(() => countryNamer(document.documentElement.lang || undefined), []);

  useEffect(() => {
    api('GET', '/api/settings/protection', protectionSettingsSchema).then(setSettings, setSettingsError);
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: Refresh bumps refreshKey to reload.
  useEffect(() => {
    setSummaryError(undefined);
    api('GET', '/api/protection/summary', protectionSummarySchema).then(setSummary, setSummaryError);
  }, [refreshKey]);

  // Arrow keys move between tabs, as in any tab list.
  function onTabKey(event: KeyboardEvent<HTMLButtonElement>, index: number) {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = tabs[(index + step + tabs.length) % tabs.length];
    if (!next) return;
    setTab(next.id);
    tabRefs.current[(index + step + tabs.length) % tabs.length]?.focus();
  }

  const seen = summary?.countriesSeen ?? [];
  return (
    <>
      <div className="page-head protection-head">
        <h1 tabIndex={-1}>Protection</h1>
        <button type="button" onClick={() => setRefreshKey((key) => key + 1)}>
          Refresh
        </button>
      </div>
      {settings?.mode === 'record_only' ? (
        <p className="note note-warn" data-testid="record-only-banner">
          <strong>Record-only mode: nothing is refused.</strong> The overview and the events show what protection would
          refuse. Switch to Enforce in the policy when the numbers look right.
        </p>
      ) : null}
      <div className="tabs" role="tablist" aria-label="Protection">
        {tabs.map((entry, index) => (
          <button
            key={entry.id}
            ref={(element) => {
              tabRefs.current[index] = element;
            }}
            type="button"
            role="tab"
            id={`protection-tab-${entry.id}`}
            aria-selected={tab === entry.id}
            aria-controls={`protection-panel-${entry.id}`}
            tabIndex={tab === entry.id ? 0 : -1}
            className={tab === entry.id ? 'tab tab-active protection-tab' : 'tab protection-tab'}
            onClick={() => setTab(entry.id)}
            onKeyDown={(event) => onTabKey(event, index)}
          >
            {entry.label}
          </button>
        ))}
      </div>
      {/* Every panel stays mounted, so unsaved policy edits survive a look at the overview. */}
      <div
        role="tabpanel"
        id="protection-panel-overview"
        aria-labelledby="protection-tab-overview"
        hidden={tab !== 'overview'}
      >
        <ErrorNote error={summaryError} />
        <ProtectionOverview summary={summary} nameOf={nameOf} refreshKey={refreshKey} />
      </div>
      <div
        role="tabpanel"
        id="protection-panel-policy"
        aria-labelledby="protection-tab-policy"
        hidden={tab !== 'policy'}
      >
        {settings ? (
          <ProtectionPolicy saved={settings} onSaved={setSettings} seen={seen} nameOf={nameOf} />
        ) : settingsError ? (
          <ErrorNote error={settingsError} />
        ) : (
          <p>Loading…</p>
        )}
      </div>
      <div
        role="tabpanel"
        id="protection-panel-events"
        aria-labelledby="protection-tab-events"
        hidden={tab !== 'events'}
      >
        <ProtectionEvents seen={seen} nameOf={nameOf} refreshKey={refreshKey} />
      </div>
    </>
  );
}
