import {
  type Connector,
  connectorsSchema,
  type FactorySummary,
  factorySummariesSchema,
  loggedConnectorsSchema,
  type Message,
  messagePageSchema,
  noticeUsageTypes,
  requiredUsageTypes,
} from '@passline/contracts';
import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import { api } from '../api.ts';
import { DataTable } from '../components/DataTable.tsx';
import { ErrorNote } from '../components/ErrorNote.tsx';
import { LinkedText } from '../components/LinkedText.tsx';
import { type ConnectorRef, connectorChoices, connectorLabel } from '../connector-names.ts';
import { usePagedLog } from '../use-paged-log.ts';
import { deliveryText, tryLabel } from './message-delivery.ts';

const usages = [...requiredUsageTypes, ...noticeUsageTypes];

/** The delivery log: what was sent, through which connector, and what the provider said. */
export function MessagesPage() {
  const id = useId();
  const [filter, setFilter] = useState({ status: '', usage: '', connectorId: '', deliveryStatus: '' });
  const [connectors, setConnectors] = useState<Connector[]>([]);
  const [factories, setFactories] = useState<FactorySummary[]>([]);
  const [logged, setLogged] = useState<ConnectorRef[]>([]);

  const fetchPage = useCallback(
    async (after: string | null) => {
      const query = new URLSearchParams({ limit: '25' });
      for (const [key, value] of Object.entries(filter)) if (value) query.set(key, value);
      if (after) query.set('cursor', after);
      return api('GET', `/api/messages?${query}`, messagePageSchema);
    },
    [filter],
  );

  const { items, error, loadOlder } = usePagedLog(fetchPage);
  // Names only: the log still shows and filters without them.
  useEffect(() => {
    api('GET', '/api/connectors', connectorsSchema).then(setConnectors, () => undefined);
    api('GET', '/api/connector-factories', factorySummariesSchema).then(setFactories, () => undefined);
    api('GET', '/api/messages/connectors', loggedConnectorsSchema).then(setLogged, () => undefined);
  }, []);

  const names = useMemo(
    () => ({
      factories: new Map(factories.map((factory) => [factory.id, factory.name])),
      live: new Set(connectors.map((connector) => connector.id)),
    }),
    [factories, connectors],
  );
  const choices = useMemo(() => connectorChoices(logged, connectors), [logged, connectors]);

  return (
    <>
      <h1 tabIndex={-1}>Messages</h1>
      <form className="panel filters" aria-label="Filter messages" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label className="label" htmlFor={`${id}-status`}>
            Status
          </label>
          <select
            id={`${id}-status`}
            value={filter.status}
            onChange={(event) => setFilter({ ...filter, status: event.target.value })}
          >
            <option value="">All</option>
            <option value="sent">Sent</option>
            <option value="failed">Failed</option>
          </select>
        </div>
        <div className="field">
          <label className="label" htmlFor={`${id}-delivery`}>
            Delivery
          </label>
          <select
            id={`${id}-delivery`}
            value={filter.deliveryStatus}
            onChange={(event) => setFilter({ ...filter, deliveryStatus: event.target.value })}
          >
            <option value="">All</option>
            <option value="delivered">Delivered</option>
            <option value="undelivered">Undelivered</option>
            <option value="awaiting">Awaiting receipt</option>
          </select>
        </div>
        <div className="field">
          <label className="label" htmlFor={`${id}-usage`}>
            Usage
          </label>
          <select
            id={`${id}-usage`}
            value={filter.usage}
            onChange={(event) => setFilter({ ...filter, usage: event.target.value })}
          >
            <option value="">All</option>
            {usages.map((usage) => (
              <option key={usage}>{usage}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="label" htmlFor={`${id}-connector`}>
            Connector
          </label>
          <select
            id={`${id}-connector`}
            value={filter.connectorId}
            onChange={(event) => setFilter({ ...filter, connectorId: event.target.value })}
          >
            <option value="">All</option>
            {choices.map((choice) => (
              <option key={choice.connectorId} value={choice.connectorId}>
                {connectorLabel(choice, names)}
              </option>
            ))}
          </select>
        </div>
      </form>
      <ErrorNote error={error} />
      <section className="panel" aria-label="Delivery log">
        <DataTable
          loading={!error}
          rows={items}
          rowKey={(message) => message.id}
          empty="No messages match."
          columns={[
            { id: 'time', header: 'Time', cell: (message) => new Date(message.createdAt).toLocaleString() },
            { id: 'number', header: 'Number', cell: (message) => <code>{message.to}</code> },
            {
              id: 'usage',
              header: 'Usage',
              cell: (message) => (
                <>
                  {message.usage}
                  {message.test ? <span className="tag small">test</span> : null}
                </>
              ),
            },
            {
              id: 'connector',
              header: 'Connector',
              cell: (message) => <span title={message.connectorId ?? undefined}>{connectorLabel(message, names)}</span>,
            },
            {
              id: 'status',
              header: 'Status',
              cell: (message) => {
                const attempt = tryLabel(message.attempt);
                return (
                  <>
                    <span className={message.status === 'sent' ? 'badge badge-ok' : 'badge badge-error'}>
                      {message.status}
                    </span>
                    {attempt ? (
                      <span className="tag small" title="A later connector of the chain, after the earlier ones failed">
                        {attempt}
                      </span>
                    ) : null}
                  </>
                );
              },
            },
            {
              id: 'delivery',
              header: 'Delivery',
              className: 'small',
              cell: (message) => <Delivery message={message} />,
            },
            {
              id: 'error',
              header: 'Provider error',
              className: 'small',
              cell: (message) => (message.error ? <ProviderError error={message.error} /> : null),
            },
          ]}
        />
        {loadOlder ? (
          <button type="button" onClick={loadOlder}>
            Load older messages
          </button>
        ) : null}
      </section>
    </>
  );
}

/** The provider's words (with any documentation address as a link), its code and its request id. */
function ProviderError(props: { error: NonNullable<Message['error']> }) {
  const { error } = props;
  return (
    <>
      <LinkedText text={error.message ?? error.kind} />
      {error.providerCode ? ` (code ${error.providerCode})` : ''}
      {error.providerRequestId ? (
        <span className="request-id">
          Request id <code>{error.providerRequestId}</code>
        </span>
      ) : null}
    </>
  );
}

const deliveryClass = { ok: 'badge badge-ok', error: 'badge badge-error', pending: 'badge', none: 'muted' } as const;

/** The provider's delivery receipt: delivered (how fast), undelivered (its code), awaited, or none to expect. */
function Delivery(props: { message: Message }) {
  const delivery = deliveryText(props.message);
  if (!delivery) return null;
  const at = props.message.delivery?.at;
  return (
    <span
      className={deliveryClass[delivery.tone]}
      title={at ? `Receipt time: ${new Date(at).toLocaleString()}` : undefined}
    >
      {delivery.text}
    </span>
  );
}
