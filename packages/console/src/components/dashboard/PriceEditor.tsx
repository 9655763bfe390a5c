import { type Connector, type DashboardPrice, dashboardPricesSchema } from '@passline/contracts';
import { useEffect, useId, useState } from 'react';
import { api } from '../../api.ts';
import { ErrorNote } from '../ErrorNote.tsx';

interface Row {
  /** `connector:<id>` or `factory:<factory id>`. */
  target: string;
  country: string;
  price: string;
  currency: string;
}

const toRow = (price: DashboardPrice): Row => ({
  target: price.connectorId ? `connector:${price.connectorId}` : `factory:${price.factoryId ?? ''}`,
  country: price.country,
  price: String(price.pricePerMessage),
  currency: price.currency,
});

function toPrice(row: Row): DashboardPrice {
  const [kind, ...rest] = row.target.split(':');
  const id = rest.join(':');
  return {
    ...(kind === 'connector' ? { connectorId: id } : { factoryId: id }),
    country: row.country.trim().toUpperCase() || '*',
    pricePerMessage: Number(row.price),
    currency: row.currency.trim().toUpperCase(),
  };
}

/** The prices per message behind the cost estimate: per connector or connector type, per country or any. */
export function PriceEditor(props: { connectors: readonly Connector[]; onSaved: () => void }) {
  const id = useId();
  const [rows, setRows] = useState<Row[]>();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const sms = props.connectors.filter((connector) => connector.type === 'sms');
  const factories = [...new Set(sms.map((connector) => connector.factoryId))];
  const firstTarget = sms[0] ? `connector:${sms[0].id}` : '';

  useEffect(() => {
    api('GET', '/api/dashboard/prices', dashboardPricesSchema).then((prices) => setRows(prices.map(toRow)), setError);
  }, []);

  const change = (index: number, patch: Partial<Row>) => {
    setSaved(false);
    setRows((current) => current?.map((row, at) => (at === index ? { ...row, ...patch } : row)));
  };

  async function save() {
    setError(undefined);
    try {
      const stored = await api('PUT', '/api/dashboard/prices', dashboardPricesSchema, (rows ?? []).map(toPrice));
      setRows(stored.map(toRow));
      setSaved(true);
      props.onSaved();
    } catch (caught) {
      setError(caught);
    }
  }

  if (!rows) return error ? <ErrorNote error={error} /> : <p className="muted">Loading prices…</p>;
  return (
    <form
      className="dashboard-prices"
      aria-label="Prices per message"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      {rows.length === 0 ? <p className="muted small">No prices yet: the cost estimate is empty.</p> : null}
      {rows.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place.
        <fieldset key={index} className="dashboard-price-row">
          <legend className="visually-hidden">{`Price ${index + 1}`}</legend>
          <label className="field">
            <span className="label">Connector</span>
            <select value={row.target} onChange={(event) => change(index, { target: event.target.value })}>
              {sms.map((connector) => (
                <option key={connector.id} value={`connector:${connector.id}`}>
                  {`${connector.name} (${connector.id})`}
                </option>
              ))}
              {factories.map((factory) => (
                <option key={factory} value={`factory:${factory}`}>{`Any ${factory} connector`}</option>
              ))}
              {row.target &&
              ![...sms.map((c) => `connector:${c.id}`), ...factories.map((f) => `factory:${f}`)].includes(
                row.target,
              ) ? (
                <option value={row.target}>{row.target.split(':').slice(1).join(':')}</option>
              ) : null}
            </select>
          </label>
          <label className="field">
            <span className="label">Country</span>
            <input
              value={row.country}
              maxLength={2}
              placeholder="*"
              aria-describedby={`${id}-country`}
              onChange={(event) => change(index, { country: event.target.value })}
            />
          </label>
          <label className="field">
            <span className="label">Price per message</span>
            <input
              inputMode="decimal"
              value={row.price}
              onChange={(event) => change(index, { price: event.target.value })}
            />
          </label>
          <label className="field">
            <span className="label">Currency</span>
            <input
              value={row.currency}
              maxLength={3}
              onChange={(event) => change(index, { currency: event.target.value })}
            />
          </label>
          <button
            type="button"
            onClick={() => {
              setSaved(false);
              setRows(rows.filter((_, at) => at !== index));
            }}
          >
            Remove
          </button>
        </fieldset>
      ))}
      <p id={`${id}-country`} className="muted small">
        Country: two letters (US, DE), or * for any. The most specific price applies: connector and country, then
        connector, then connector type.
      </p>
      <div className="dashboard-price-actions">
        <button
          type="button"
          disabled={!firstTarget}
          onClick={() => {
            setSaved(false);
            setRows([...rows, { target: firstTarget, country: '*', price: '0.01', currency: 'USD' }]);
          }}
        >
          Add a price
        </button>
        <button type="submit" className="primary">
          Save prices
        </button>
        {saved ? (
          <span role="status" className="muted small">
            Saved.
          </span>
        ) : null}
      </div>
      <ErrorNote error={error} />
    </form>
  );
}
