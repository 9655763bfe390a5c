import { type ProtectionSummary, protectionEventPageSchema, protectionReasons } from '@passline/contracts';
import { useCallback, useId, useState } from 'react';
import { api } from '../api.ts';
import { DataTable } from '../components/DataTable.tsx';
import { ErrorNote } from '../components/ErrorNote.tsx';
import { usePagedLog } from '../use-paged-log.ts';
import { CountrySelect } from './ProtectionInputs.tsx';
import { type CountryNamer, countryLabel } from './protection-countries.ts';
import { reasonLabel } from './protection-labels.ts';

const periods = [
  { value: '1h', label: 'Last hour', ms: 3_600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { value: 'all', label: 'Any time', ms: 0 },
  { value: 'custom', label: 'Between…', ms: 0 },
] as const;
type Period = (typeof periods)[number]['value'];

interface Filter {
  reason: string;
  country: string;
  period: Period;
  /** datetime-local values, for the custom period. */
  from: string;
  to: string;
}

/** The query for a filter: `since` is computed when the page is fetched, so "last hour" means now. */
function queryOf(filter: Filter): URLSearchParams {
  const query = new URLSearchParams({ limit: '25' });
  if (filter.reason) query.set('reason', filter.reason);
  if (filter.country) query.set('country', filter.country);
  const period = periods.find((entry) => entry.value === filter.period);
  if (period?.ms) query.set('since', new Date(Date.now() - period.ms).toISOString());
  if (filter.period === 'custom') {
    const from = new Date(filter.from);
    const to = new Date(filter.to);
    if (filter.from && !Number.isNaN(from.getTime())) query.set('since', from.toISOString());
    if (filter.to && !Number.isNaN(to.getTime())) query.set('until', to.toISOString());
  }
  return query;
}

/** Every refused send (or, in record-only mode, every send that would have been), newest first. */
export function ProtectionEvents(props: {
  seen: ProtectionSummary['countriesSeen'];
  nameOf: CountryNamer;
  refreshKey: number;
}) {
  const id = useId();
  const [filter, setFilter] = useState<Filter>({ reason: '', country: '', period: '24h', from: '', to: '' });

  // Paged like the message log: the first page on every filter change, older ones on request.
  const fetchPage = useCallback(
    async (after: string | null) => {
      const query = queryOf(filter);
      if (after) query.set('cursor', after);
      return api('GET', `/api/protection/events?${query}`, protectionEventPageSchema);
    },
    [filter],
  );
  // The page's Refresh bumps refreshKey to reload.
  const { items, error, loadOlder } = usePagedLog(fetchPage, props.refreshKey);

  const set = (changes: Partial<Filter>) => setFilter({ ...filter, ...changes });
  return (
    <>
      <form className="panel filters" aria-label="Filter events" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label className="label" htmlFor={`${id}-reason`}>
            Reason
          </label>
          <select id={`${id}-reason`} value={filter.reason} onChange={(event) => set({ reason: event.target.value })}>
            <option value="">All</option>
            {protectionReasons.map((reason) => (
              <option key={reason} value={reason}>
                {reasonLabel(reason)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="label" htmlFor={`${id}-country`}>
            Country
          </label>
          <CountrySelect
            id={`${id}-country`}
            value={filter.country}
            onChange={(country) => set({ country })}
            seen={props.seen}
            nameOf={props.nameOf}
            emptyLabel="All"
          />
        </div>
        <div className="field">
          <label className="label" htmlFor={`${id}-period`}>
            Time
          </label>
          <select
            id={`${id}-period`}
            value={filter.period}
            onChange={(event) => {
              const period = periods.find((entry) => entry.value === event.target.value);
              if (period) set({ period: period.value });
            }}
          >
            {periods.map((period) => (
              <option key={period.value} value={period.value}>
                {period.label}
              </option>
            ))}
          </select>
        </div>
        {filter.period === 'custom' ? (
          <>
            <div className="field">
              <label className="label" htmlFor={`${id}-from`}>
                From
              </label>
              <input
                id={`${id}-from`}
                type="datetime-local"
                value={filter.from}
                onChange={(event) => set({ from: event.target.value })}
              />
            </div>
            <div className="field">
              <label className="label" htmlFor={`${id}-to`}>
                To
              </label>
              <input
                id={`${id}-to`}
                type="datetime-local"
                value={filter.to}
                onChange={(event) => set({ to: event.target.value })}
              />
            </div>
          </>
        ) : null}
      </form>
      <ErrorNote error={error} />
      <section className="panel protection-events" aria-label="Refused sends">
        <DataTable
          loading={!error}
          rows={items}
          rowKey={(event) => event.id}
          empty="No refused sends match."
          columns={[
            { id: 'time', header: 'Time', cell: (event) => new Date(event.createdAt).toLocaleString() },
            {
              id: 'reason',
              header: 'Reason',
              cell: (event) => (
                <>
                  {reasonLabel(event.reason)}
                  <code className="small muted protection-reason-code">{event.reason}</code>
                </>
              ),
            },
            {
              id: 'outcome',
              header: 'Outcome',
              cell: (event) =>
                event.enforced ? (
                  <span className="badge badge-error">refused</span>
                ) : (
                  <span className="badge">recorded only</span>
                ),
            },
            {
              id: 'country',
              header: 'Country',
              cell: (event) => (event.country ? countryLabel(event.country, props.nameOf) : '—'),
            },
            { id: 'range', header: 'Range', cell: (event) => <code>{event.range}</code> },
            { id: 'ip', header: 'Client IP', cell: (event) => (event.clientIp ? <code>{event.clientIp}</code> : '—') },
            { id: 'source', header: 'Source', cell: (event) => <code>{event.source}</code> },
          ]}
        />
        {loadOlder ? (
          <button type="button" onClick={loadOlder}>
            Load older events
          </button>
        ) : null}
      </section>
    </>
  );
}
