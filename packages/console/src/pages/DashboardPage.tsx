import {
  type Connector,
  connectorsSchema,
  type Dashboard,
  type DashboardRange,
  dashboardSchema,
} from '@passline/contracts';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api } from '../api.ts';
import { ChartCanvas } from '../components/dashboard/ChartCanvas.tsx';
import {
  barChart,
  conversionChart,
  costChart,
  palette,
  percent,
  trafficChart,
} from '../components/dashboard/dashboard-charts.ts';
import { PriceEditor } from '../components/dashboard/PriceEditor.tsx';
import { ErrorNote } from '../components/ErrorNote.tsx';
import './dashboard-page.css';

const ranges: Array<{ range: DashboardRange; label: string }> = [
  { range: 'hour', label: 'Last hour' },
  { range: 'day', label: 'Last day' },
  { range: '30d', label: '30 days' },
];

const ms = (value: number | null) => (value === null ? '–' : `${value} ms`);

/** The console's landing page: traffic, conversion, breakdowns, provider health, refusals and cost. */
export function DashboardPage() {
  const [range, setRange] = useState<DashboardRange>('day');
  const [dashboard, setDashboard] = useState<Dashboard>();
  const [connectors, setConnectors] = useState<Connector[]>([]);
  const [error, setError] = useState<unknown>();

  const load = useCallback(() => {
    api('GET', `/api/dashboard?range=${range}`, dashboardSchema).then((next) => {
      setDashboard(next);
      setError(undefined);
    }, setError);
  }, [range]);
  useEffect(load, [load]);
  useEffect(() => {
    api('GET', '/api/connectors', connectorsSchema).then(setConnectors, () => undefined);
  }, []);

  const names = useMemo(() => new Map(connectors.map((connector) => [connector.id, connector.name])), [connectors]);
  const charts = useMemo(() => {
    if (!dashboard) return undefined;
    const countries = dashboard.byCountry.slice(0, 10);
    const connectorRows = dashboard.byConnector.slice(0, 10);
    return {
      traffic: trafficChart(dashboard),
      conversion: conversionChart(dashboard),
      countries: barChart(
        countries.map((entry) => entry.country ?? 'Unknown'),
        [
          { label: 'Sent', data: countries.map((entry) => entry.sent), color: palette.sent },
          { label: 'Verified', data: countries.map((entry) => entry.verified), color: palette.verified },
        ],
      ),
      connectors: barChart(
        connectorRows.map((entry) => names.get(entry.connectorId ?? '') ?? entry.connectorId ?? 'None'),
        [
          { label: 'Sent', data: connectorRows.map((entry) => entry.sent), color: palette.sent },
          { label: 'Failed', data: connectorRows.map((entry) => entry.failed), color: palette.failed },
        ],
      ),
      refusals: barChart(
        dashboard.refusals.map((entry) => entry.reason),
        [{ label: 'Refused', data: dashboard.refusals.map((entry) => entry.count), color: palette.refused }],
      ),
      cost: costChart(dashboard),
    };
  }, [dashboard, names]);

  const totals = dashboard?.totals;
  const rangeLabel = ranges.find((entry) => entry.range === range)?.label.toLowerCase() ?? range;
  const costTotals = new Map<string, number>();
  for (const entry of dashboard?.cost.perDay ?? []) {
    costTotals.set(entry.currency, (costTotals.get(entry.currency) ?? 0) + entry.amount);
  }
  const costText =
    costTotals.size === 0
      ? '–'
      : [...costTotals].map(([currency, amount]) => `${amount.toFixed(2)} ${currency}`).join(' + ');

  return (
    <>
      <div className="page-head">
        <div>
          <h1 tabIndex={-1}>Dashboard</h1>
          <p className="muted small">
            Codes sent, delivered and verified, from every instance, updated every few seconds.
          </p>
        </div>
      </div>
      <fieldset className="dashboard-ranges">
        <legend className="visually-hidden">Time range</legend>
        {ranges.map((entry) => (
          <button
            key={entry.range}
            type="button"
            aria-pressed={range === entry.range}
            className={range === entry.range ? 'primary' : undefined}
            onClick={() => setRange(entry.range)}
          >
            {entry.label}
          </button>
        ))}
        <button type="button" onClick={load}>
          Refresh
        </button>
      </fieldset>
      <ErrorNote error={error} />
      {!dashboard || !charts || !totals ? (
        error ? null : (
          <p className="muted">Loading…</p>
        )
      ) : (
        <>
          <dl className="dashboard-totals" aria-label={`Totals, ${rangeLabel}`}>
            {[
              ['Sent', totals.sent],
              ['Delivered', totals.delivered],
              ['Verified', totals.verified],
              ['Conversion', percent(totals.conversion)],
              ['Refused', totals.refused],
              ['Estimated cost', costText],
            ].map(([label, value]) => (
              <div key={label} className="dashboard-total">
                <dt>{label}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
          <div className="dashboard-grid">
            <section className="panel" aria-label="Codes over time">
              <h2>Codes over time</h2>
              <ChartCanvas
                config={charts.traffic}
                summary={`${rangeLabel}: ${totals.sent} sent, ${totals.delivered} delivered, ${totals.verified} verified`}
              />
            </section>
            <section className="panel" aria-label="Conversion">
              <h2>Conversion</h2>
              <ChartCanvas
                config={charts.conversion}
                summary={`Conversion ${rangeLabel}: ${percent(totals.conversion)} of codes sent were verified`}
              />
            </section>
            <section className="panel" aria-label="By country">
              <h2>By country</h2>
              {dashboard.byCountry.length === 0 ? (
                <p className="muted">Nothing sent in this range.</p>
              ) : (
                <ChartCanvas
                  config={charts.countries}
                  summary={dashboard.byCountry
                    .slice(0, 10)
                    .map((entry) => `${entry.country ?? 'Unknown'}: ${entry.sent} sent, ${entry.verified} verified`)
                    .join('; ')}
                />
              )}
            </section>
            <section className="panel" aria-label="By connector">
              <h2>By connector</h2>
              {dashboard.byConnector.length === 0 ? (
                <p className="muted">No provider was called in this range.</p>
              ) : (
                <>
                  <ChartCanvas
                    config={charts.connectors}
                    height={160}
                    summary={dashboard.byConnector
                      .map(
                        (entry) =>
                          `${names.get(entry.connectorId ?? '') ?? entry.connectorId}: ${entry.sent} sent, ${entry.failed} failed`,
                      )
                      .join('; ')}
                  />
                  <div className="table-scroll">
                    <table className="table dashboard-providers">
                      <caption className="visually-hidden">Provider errors and latency</caption>
                      <thead>
                        <tr>
                          <th scope="col">Connector</th>
                          <th scope="col">Calls</th>
                          <th scope="col">Error rate</th>
                          <th scope="col">Average</th>
                          <th scope="col">p50</th>
                          <th scope="col">p95</th>
                        </tr>
                      </thead>
                      <tbody>
                        {dashboard.byConnector.map((entry) => (
                          <tr key={entry.connectorId}>
                            <th scope="row">{names.get(entry.connectorId ?? '') ?? entry.connectorId}</th>
                            <td>{entry.calls}</td>
                            <td>{percent(entry.errorRate)}</td>
                            <td>{ms(entry.averageLatencyMs)}</td>
                            <td>{entry.p50LatencyMs === null ? '–' : `≤ ${entry.p50LatencyMs} ms`}</td>
                            <td>{entry.p95LatencyMs === null ? '–' : `≤ ${entry.p95LatencyMs} ms`}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                </>
              )}
            </section>
            <section className="panel" aria-label="Refusals by reason">
              <h2>Refusals by reason</h2>
              {dashboard.refusals.length === 0 ? (
                <p className="muted">No send was refused in this range.</p>
              ) : (
                <ChartCanvas
                  config={charts.refusals}
                  height={Math.max(120, 40 * dashboard.refusals.length)}
                  summary={dashboard.refusals.map((entry) => `${entry.reason}: ${entry.count}`).join('; ')}
                />
              )}
            </section>
            <section className="panel" aria-label="Estimated cost per day">
              <h2>Estimated cost per day</h2>
              {dashboard.cost.perDay.length === 0 ? (
                <p className="muted">No priced messages in this range.</p>
              ) : (
                <ChartCanvas config={charts.cost} summary={`Estimated cost, ${rangeLabel}: ${costText}`} />
              )}
              {dashboard.cost.unpricedMessages > 0 ? (
                <p className="muted small">
                  {`${dashboard.cost.unpricedMessages} sent message${dashboard.cost.unpricedMessages === 1 ? '' : 's'} had no price and are not in the estimate.`}
                </p>
              ) : null}
            </section>
          </div>
        </>
      )}
      <section className="panel" aria-label="Prices per message">
        <h2>Prices per message</h2>
        <PriceEditor connectors={connectors} onSaved={load} />
      </section>
    </>
  );
}
