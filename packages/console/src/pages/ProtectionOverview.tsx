import type { ProtectionSummary } from '@passline/contracts';
import { DataTable } from '../components/DataTable.tsx';
import { ProtectionBlocks } from './ProtectionBlocks.tsx';
import { ProtectionChart } from './ProtectionChart.tsx';
import { Section } from './ProtectionPolicySections.tsx';
import { type CountryNamer, countryLabel } from './protection-countries.ts';
import { budgetLabel } from './protection-fields.ts';
import { humanize } from './protection-labels.ts';

const count = (value: number) => value.toLocaleString('en');

/** The last 24 hours at a glance: the chart, the budgets, where refusals come from, blocks and alerts. */
export function ProtectionOverview(props: {
  summary: ProtectionSummary | undefined;
  nameOf: CountryNamer;
  refreshKey: number;
}) {
  const { summary, nameOf } = props;
  const country = (code: string | null) => (code ? countryLabel(code, nameOf) : '—');
  return (
    <>
      <Section title="Last 24 hours">{summary ? <ProtectionChart hours={summary.hours} /> : <p>Loading…</p>}</Section>
      <Section title="Budgets">{summary ? <Budgets budgets={summary.budgets} /> : <p>Loading…</p>}</Section>
      <div className="protection-columns">
        <Section title="Most refused ranges">
          <DataTable
            rows={summary?.topRanges}
            rowKey={(row) => row.range}
            empty="No refusals in the last 24 hours."
            columns={[
              { id: 'range', header: 'Range', cell: (row) => <code>{row.range}</code> },
              { id: 'country', header: 'Country', cell: (row) => country(row.country) },
              { id: 'refused', header: 'Refused', cell: (row) => count(row.refused), className: 'protection-number' },
            ]}
          />
        </Section>
        <Section title="Top countries">
          <DataTable
            rows={summary?.topCountries}
            rowKey={(row) => row.country}
            empty="No codes in the last 24 hours."
            columns={[
              { id: 'country', header: 'Country', cell: (row) => country(row.country) },
              { id: 'sent', header: 'Sent', cell: (row) => count(row.sent), className: 'protection-number' },
              { id: 'refused', header: 'Refused', cell: (row) => count(row.refused), className: 'protection-number' },
            ]}
          />
        </Section>
      </div>
      <Section
        title="Blocked by the conversion guard"
        intro="Number ranges, client IPs and countries whose codes mostly went unentered. They are refused until the time shown, or until you clear them."
      >
        <ProtectionBlocks nameOf={nameOf} refreshKey={props.refreshKey} />
      </Section>
      <Section title="Recent alerts">
        <DataTable
          rows={summary?.alerts}
          rowKey={(alert) => `${alert.createdAt}:${alert.kind}:${alert.subject}`}
          empty="No alerts."
          columns={[
            { id: 'time', header: 'Time', cell: (alert) => new Date(alert.createdAt).toLocaleString() },
            { id: 'kind', header: 'Alert', cell: (alert) => humanize(alert.kind) },
            { id: 'subject', header: 'About', cell: (alert) => alert.subject },
            {
              id: 'delivered',
              header: 'Webhook',
              cell: (alert) =>
                alert.delivered ? (
                  <span className="badge badge-ok">delivered</span>
                ) : (
                  <span className="badge">not delivered</span>
                ),
            },
          ]}
        />
      </Section>
    </>
  );
}

/** Used against limit, as native meters (screen readers read their value and range). */
function Budgets(props: { budgets: ProtectionSummary['budgets'] }) {
  if (props.budgets.length === 0) return <p className="muted">No budgets.</p>;
  return (
    <ul className="protection-budgets">
      {props.budgets.map((budget) => {
        const share = budget.limit > 0 ? budget.used / budget.limit : 1;
        const label = budgetLabel(budget.name) ?? humanize(budget.name);
        return (
          <li key={budget.name}>
            <div className="protection-budget-head">
              <span>{label}</span>
              <strong className={share >= 0.8 ? 'danger-text' : undefined}>{Math.round(share * 100)} %</strong>
            </div>
            <meter
              aria-label={label}
              min={0}
              max={Math.max(budget.limit, 1)}
              value={Math.min(budget.used, Math.max(budget.limit, 1))}
              low={budget.limit * 0.5}
              high={budget.limit * 0.8}
              optimum={0}
            />
            <span className="help">
              {count(budget.used)} of {count(budget.limit)} used
              {budget.resetsAt ? `; resets ${new Date(budget.resetsAt).toLocaleString()}` : ''}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
