import {
  type Connector,
  type ConnectorHealth,
  connectorHealthListSchema,
  connectorSchema,
  connectorsSchema,
  type SmsRouting,
  smsRoutingSchema,
} from '@passline/contracts';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api.ts';
import { useConfirm } from '../components/Confirm.tsx';
import { ErrorNote } from '../components/ErrorNote.tsx';
import { FactoryPicker } from '../components/FactoryPicker.tsx';
import { href, navigate } from '../router.ts';
import { HealthBadge } from './RoutingHealth.tsx';
import { healthOf } from './routing-health.ts';
import { connectorsInUse } from './routing-rules.ts';

/** Connectors › Email and SMS connectors: the active SMS connector or Set up, and the ones used before. */
export function ConnectorsPage(props: { onChanged: () => void }) {
  const [connectors, setConnectors] = useState<Connector[]>();
  const [error, setError] = useState<unknown>();
  const [picking, setPicking] = useState(false);
  const [busy, setBusy] = useState<string>();
  const confirm = useConfirm();

  const [routing, setRouting] = useState<SmsRouting>();
  const [health, setHealth] = useState<ConnectorHealth[]>([]);

  const load = useCallback(async () => {
    // Routing and health only add to the page (in routing mode); it works without them.
    api('GET', '/api/routing/sms', smsRoutingSchema).then(setRouting, () => undefined);
    api('GET', '/api/routing/health', connectorHealthListSchema).then(
      (list) => setHealth(list.items),
      () => undefined,
    );
    await api('GET', '/api/connectors', connectorsSchema).then(setConnectors, setError);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const sms = connectors?.filter((connector) => connector.type === 'sms') ?? [];
  const active = sms.find((connector) => connector.active);
  const previous = sms.filter((connector) => !connector.active);
  const routed = routing?.mode === 'routing' ? connectorsInUse(routing) : undefined;
  const badge = (connector: Connector) => (routed ? <HealthBadge health={healthOf(connector.id, health)} /> : null);

  async function activate(connector: Connector) {
    // In routing mode, activating replaces the default chain: say so before it happens.
    if (
      routed &&
      !(await confirm({
        title: `Activate ${connector.name}?`,
        message: `It becomes the whole default chain: numbers no rule matches go only through it, with no failover. Rules are kept.`,
        confirmLabel: 'Activate',
      }))
    ) {
      return;
    }
    setBusy(connector.id);
    setError(undefined);
    try {
      await api('POST', `/api/connectors/${encodeURIComponent(connector.id)}/activate`, connectorSchema);
      await load();
      props.onChanged();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <>
      <h1 tabIndex={-1}>Connectors</h1>
      <div className="tabs" role="tablist" aria-label="Connector kinds">
        <span role="tab" aria-selected="true" tabIndex={0} className="tab tab-active" id="tab-passwordless">
          Email and SMS connectors
        </span>
      </div>
      <section role="tabpanel" aria-labelledby="tab-passwordless" className="panel">
        <ErrorNote error={error} />
        {routed ? (
          <p className="note" data-testid="routing-note">
            Routing is in use: {routed.length} {routed.length === 1 ? 'connector sends' : 'connectors send'} SMS (see{' '}
            <a
              href={href('/routing')}
              onClick={(event) => {
                event.preventDefault();
                void navigate('/routing');
              }}
            >
              Routing
            </a>
            ).
          </p>
        ) : null}
        {connectors === undefined && !error ? <p>Loading…</p> : null}
        {connectors ? (
          <table className="table connector-table">
            <caption className="visually-hidden">SMS connector</caption>
            <thead>
              <tr>
                <th scope="col">Connector</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <tr data-testid="sms-row">
                <td>
                  {active ? (
                    <a
                      className="connector-name"
                      href={href(`/connectors/${active.id}`)}
                      onClick={(event) => {
                        event.preventDefault();
                        void navigate(`/connectors/${active.id}`);
                      }}
                    >
                      <img src={active.logo} alt="" width={28} height={28} />
                      {active.name}
                    </a>
                  ) : (
                    <span className="muted">No SMS connector yet</span>
                  )}
                </td>
                <td>SMS</td>
                <td>
                  {active ? <span className="badge badge-ok">Active</span> : <span className="badge">Not set up</span>}
                  {active ? badge(active) : null}
                </td>
                <td className="row-actions">
                  {active ? null : (
                    <button type="button" className="primary" onClick={() => setPicking(true)}>
                      Set up
                    </button>
                  )}
                </td>
              </tr>
            </tbody>
          </table>
        ) : null}
      </section>

      {previous.length ? (
        <section className="panel" aria-labelledby="previous-title">
          <h2 id="previous-title">{routed ? 'Other SMS connectors' : 'Previously used SMS connectors'}</h2>
          <p className="help">
            {routed
              ? 'Routing sends through those its chains name. Activating one makes it the whole default chain.'
              : 'Their configuration is kept. Activate one to switch back without typing anything again.'}
          </p>
          <ul className="previous-list">
            {previous.map((connector) => (
              <li key={connector.id} data-testid={`previous-${connector.factoryId}`}>
                <a
                  className="connector-name"
                  href={href(`/connectors/${connector.id}`)}
                  onClick={(event) => {
                    event.preventDefault();
                    void navigate(`/connectors/${connector.id}`);
                  }}
                >
                  <img src={connector.logo} alt="" width={24} height={24} />
                  {connector.name}
                </a>
                {badge(connector)}
                <span className="muted small">
                  <code>{connector.id}</code> · last changed {new Date(connector.updatedAt).toLocaleString()}
                </span>
                <button
                  type="button"
                  disabled={busy === connector.id}
                  onClick={() => void activate(connector)}
                  aria-label={`Activate ${connector.name}`}
                >
                  Activate
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <FactoryPicker
        open={picking}
        title="Set up an SMS connector"
        onClose={() => setPicking(false)}
        onPick={(factoryId) => {
          setPicking(false);
          void navigate(`/connectors/setup/${factoryId}`);
        }}
      />
    </>
  );
}
