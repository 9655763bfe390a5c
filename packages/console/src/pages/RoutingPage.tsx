import {
  type Connector,
  type ConnectorHealth,
  connectorHealthListSchema,
  connectorsSchema,
  type FactorySummary,
  factorySummariesSchema,
  type ProtectionSummary,
  protectionSummarySchema,
  type SmsRouting,
  smsRoutingSchema,
} from '@passline/contracts';
import { type FormEvent, useCallback, useEffect, useMemo, useState } from 'react';
import { api } from '../api.ts';
import { ErrorNote } from '../components/ErrorNote.tsx';
import { connectorLabel, shortId } from '../connector-names.ts';
import { href, navigate } from '../router.ts';
import { useLeaveGuard } from '../use-leave-guard.ts';
import { countryNamer } from './protection-countries.ts';
import { type ChainContext, ChainEditor } from './RoutingChain.tsx';
import { HealthTable } from './RoutingHealth.tsx';
import { RulesEditor } from './RoutingRules.tsx';
import { RoutingTester } from './RoutingTester.tsx';
import { healthOf } from './routing-health.ts';
import {
  connectorsInUse,
  draftOf,
  hasProblems,
  type RoutingDraft,
  requestOf,
  routingProblems,
  sameRouting,
  shadowedEntries,
} from './routing-rules.ts';
import './protection-page.css';
import './routing-page.css';

/**
 * SMS routing: the default chain, rules by country or prefix with their own chains (first match
 * wins), a tester that resolves a number, and each connector's health.
 */
export function RoutingPage(props: { onChanged: () => void }) {
  const [saved, setSaved] = useState<SmsRouting>();
  const [draft, setDraft] = useState<RoutingDraft>();
  const [connectors, setConnectors] = useState<Connector[]>();
  const [factories, setFactories] = useState<FactorySummary[]>([]);
  const [seen, setSeen] = useState<ProtectionSummary['countriesSeen']>([]);
  const [health, setHealth] = useState<{ items: ConnectorHealth[]; at: number }>();
  const [healthError, setHealthError] = useState<unknown>();
  const [loadError, setLoadError] = useState<unknown>();
  const [saveError, setSaveError] = useState<unknown>();
  const [status, setStatus] = useState<string>();
  const [touched, setTouched] = useState(false);
  const [saving, setSaving] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  // Country names in the console's language (the page is English), from the browser's own data.
  const nameOf = useMemo(() => countryNamer(document.documentElement.lang || undefined), []);

  const loadHealth = useCallback(() => {
    setHealthError(undefined);
    api('GET', '/api/routing/health', connectorHealthListSchema).then(
      (list) => setHealth({ items: list.items, at: Date.now() }),
      setHealthError,
    );
  }, []);
  useEffect(() => {
    Promise.all([
      api('GET', '/api/routing/sms', smsRoutingSchema),
      api('GET', '/api/connectors', connectorsSchema),
    ]).then(([routing, list]) => {
      setSaved(routing);
      setDraft(draftOf(routing));
      setConnectors(list);
    }, setLoadError);
    // Names and suggestions only: the page works without them.
    api('GET', '/api/connector-factories', factorySummariesSchema).then(setFactories, () => undefined);
    api('GET', '/api/protection/summary', protectionSummarySchema).then(
      (summary) => setSeen(summary.countriesSeen),
      () => undefined,
    );
    loadHealth();
  }, [loadHealth]);

  const sms = useMemo(() => connectors?.filter((connector) => connector.type === 'sms') ?? [], [connectors]);
  const context = useMemo((): ChainContext => {
    const names = {
      factories: new Map(factories.map((factory) => [factory.id, factory.name])),
      live: new Set(sms.map((connector) => connector.id)),
    };
    const labelOf = (id: string) => {
      const connector = sms.find((candidate) => candidate.id === id);
      return connector
        ? connectorLabel({ connectorId: id, factoryId: connector.factoryId }, names)
        : `Deleted connector (${shortId(id)})`;
    };
    return {
      options: sms.map((connector) => ({ id: connector.id, label: labelOf(connector.id) })),
      labelOf,
      healthOf: (id) => healthOf(id, health?.items ?? []),
      announce: setAnnouncement,
      now: health?.at ?? Date.now(),
    };
  }, [sms, factories, health]);

  const dirty = Boolean(draft && saved && !sameRouting(draft, saved));
  useLeaveGuard(dirty, 'the routing');

  if (!draft || !saved || !connectors) {
    return (
      <>
        <h1 tabIndex={-1}>Routing</h1>
        {loadError ? <ErrorNote error={loadError} /> : <p>Loading…</p>}
      </>
    );
  }
  const problems = routingProblems(draft, new Set(sms.map((connector) => connector.id)));
  const edit = (next: RoutingDraft) => {
    setDraft(next);
    setStatus(undefined);
    setSaveError(undefined);
  };

  async function save(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    setStatus(undefined);
    if (!draft) return;
    if (hasProblems(problems)) {
      setSaveError(new Error('Fix what is marked below first.'));
      return;
    }
    setSaving(true);
    setSaveError(undefined);
    try {
      const routing = await api('PUT', '/api/routing/sms', smsRoutingSchema, requestOf(draft));
      setSaved(routing);
      setDraft(draftOf(routing));
      setTouched(false);
      setStatus('Saved. New sends take these routes.');
      // The default chain's first connector is now the active one, which the console's shell shows.
      props.onChanged();
    } catch (caught) {
      setSaveError(caught);
    } finally {
      setSaving(false);
    }
  }

  const inUse = connectorsInUse(saved);
  return (
    <>
      <div className="page-head">
        <h1 tabIndex={-1}>Routing</h1>
      </div>
      <p className="routing-intro">
        Which SMS connectors carry a code, in order: the first rule that matches the number's country or prefix picks
        the chain, otherwise the default chain does. When a connector fails, the next one in its chain is tried, and a
        connector that keeps failing is skipped for a while.
      </p>
      {sms.length === 0 ? (
        <p className="note note-warn">
          No SMS connector is set up yet.{' '}
          <a
            href={href('/connectors')}
            onClick={(event) => {
              event.preventDefault();
              void navigate('/connectors');
            }}
          >
            Set one up
          </a>{' '}
          first.
        </p>
      ) : saved.mode === 'simple' ? (
        <p className="note" data-testid="routing-mode">
          Simple mode: every SMS goes through the active connector
          {saved.default[0] ? `, ${context.labelOf(saved.default[0])}` : ''}. Add a connector to the default chain or a
          rule, and save, to fail over and route by destination.
        </p>
      ) : (
        <p className="note" data-testid="routing-mode">
          Routing is in use: {inUse.length} {inUse.length === 1 ? 'connector sends' : 'connectors send'} SMS.
        </p>
      )}

      <form onSubmit={(event) => void save(event)} noValidate aria-label="SMS routing">
        <section className="panel" aria-labelledby="routing-default-title">
          <h2 id="routing-default-title">Default chain</h2>
          <ChainEditor
            label="Default chain"
            hideLegend
            help="Numbers no rule matches. Tried in this order until one sends."
            chain={draft.default}
            onChange={(chain) => edit({ ...draft, default: chain })}
            context={context}
            error={touched ? problems.default : undefined}
          />
        </section>
        <section className="panel" aria-labelledby="routing-rules-title">
          <h2 id="routing-rules-title">Rules</h2>
          <p className="help routing-intro">
            The first rule that matches a number decides; order them by dragging or with the arrows.
          </p>
          <RulesEditor
            rules={draft.rules}
            onChange={(rules) => edit({ ...draft, rules })}
            problems={touched ? problems.rules : undefined}
            shadowed={shadowedEntries(draft.rules)}
            context={context}
            seen={seen}
            nameOf={nameOf}
            defaultChain={draft.default}
          />
          {touched && problems.count ? <p className="field-error">{problems.count}</p> : null}
        </section>
        {/* Sticky only with edits to save, so it takes no room on a phone otherwise. */}
        <div className={dirty ? 'panel routing-save routing-save-sticky' : 'panel routing-save'}>
          <ErrorNote error={saveError} prefix="Not saved." />
          {status ? (
            <p className="note note-ok" role="status">
              {status}
            </p>
          ) : null}
          <div className="actions">
            {dirty ? <span className="muted small">Unsaved changes</span> : null}
            <button
              type="button"
              disabled={!dirty || saving}
              onClick={() => {
                setDraft(draftOf(saved));
                setTouched(false);
                setSaveError(undefined);
              }}
            >
              Discard changes
            </button>
            <button type="submit" className="primary" disabled={!dirty || saving}>
              {saving ? 'Saving…' : 'Save'}
            </button>
          </div>
        </div>
      </form>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>

      <section className="panel" aria-labelledby="routing-tester-title">
        <h2 id="routing-tester-title">Route tester</h2>
        <RoutingTester
          labelOf={context.labelOf}
          healthOf={context.healthOf}
          nameOf={nameOf}
          unsaved={dirty}
          now={context.now}
        />
      </section>

      <section className="panel" aria-labelledby="routing-health-title">
        <div className="routing-section-head">
          <h2 id="routing-health-title">Connector health</h2>
          <button type="button" onClick={loadHealth}>
            Refresh
          </button>
        </div>
        <p className="help routing-intro">
          A connector that fails several sends in a row is skipped for a while, then the next send probes it.
        </p>
        <ErrorNote error={healthError} />
        <HealthTable
          rows={
            health
              ? sms.map((connector) => ({
                  label: context.labelOf(connector.id),
                  health: context.healthOf(connector.id),
                }))
              : undefined
          }
          loading={!healthError}
          now={context.now}
        />
      </section>
    </>
  );
}
