import type { ConnectorHealth } from '@passline/contracts';
import { DataTable } from '../components/DataTable.tsx';
import { healthLabel } from './routing-health.ts';
import './routing-page.css';

const toneClass = { ok: 'badge badge-ok', warn: 'badge badge-warn', error: 'badge badge-error' } as const;

/** Healthy / Skipped until HH:MM / Probing, as a badge. */
export function HealthBadge(props: { health: Pick<ConnectorHealth, 'state' | 'openUntil'>; now?: number }) {
  const label = healthLabel(props.health, props.now ?? Date.now());
  return <span className={toneClass[label.tone]}>{label.text}</span>;
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : null);

/** Each SMS connector's circuit breaker: its state, failures in a row, last error, last success. */
export function HealthTable(props: {
  rows: Array<{ label: string; health: ConnectorHealth }> | undefined;
  loading: boolean;
  now: number;
}) {
  return (
    <DataTable
      rows={props.rows}
      loading={props.loading}
      rowKey={(row) => row.health.connectorId}
      empty="No SMS connector is set up."
      columns={[
        {
          id: 'connector',
          header: 'Connector',
          cell: (row) => <span title={row.health.connectorId}>{row.label}</span>,
        },
        { id: 'state', header: 'State', cell: (row) => <HealthBadge health={row.health} now={props.now} /> },
        {
          id: 'failures',
          header: 'Failures in a row',
          className: 'routing-number',
          cell: (row) => row.health.consecutiveFailures.toLocaleString('en'),
        },
        {
          id: 'error',
          header: 'Last error',
          className: 'small',
          cell: (row) =>
            row.health.lastError || row.health.lastFailureAt ? (
              <>
                {row.health.lastError ?? 'Failed'}
                {row.health.lastFailureAt ? (
                  <span className="muted routing-when">{when(row.health.lastFailureAt)}</span>
                ) : null}
              </>
            ) : (
              <span className="muted">None</span>
            ),
        },
        {
          id: 'success',
          header: 'Last success',
          className: 'small',
          cell: (row) => when(row.health.lastSuccessAt) ?? <span className="muted">None recorded</span>,
        },
      ]}
    />
  );
}
