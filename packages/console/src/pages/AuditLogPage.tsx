import { type AuditEntry, auditActions, auditPageSchema } from '@passline/contracts';
import { useCallback, useEffect, useId, useState } from 'react';
import { api } from '../api.ts';
import { DataTable } from '../components/DataTable.tsx';
import { ErrorNote } from '../components/ErrorNote.tsx';
import { usePagedLog } from '../use-paged-log.ts';
import { actorLabel, auditChanges } from './audit-diff.ts';
import './audit-log-page.css';

// The action filter offers each family ("every connector change") and each action.
const families = [...new Set(auditActions.map((action) => action.split('.')[0] as string))];

/** Who changed what in the administration, from where and when; newest first. Read-only. */
export function AuditLogPage() {
  const id = useId();
  const [action, setAction] = useState('');
  const [actorText, setActorText] = useState('');
  const [actor, setActor] = useState('');

  // Typing filters after a short pause; Enter filters at once.
  useEffect(() => {
    const timer = setTimeout(() => setActor(actorText.trim()), 300);
    return () => clearTimeout(timer);
  }, [actorText]);

  const fetchPage = useCallback(
    async (after: string | null) => {
      const query = new URLSearchParams({ limit: '25' });
      if (action) query.set('action', action);
      if (actor) query.set('actor', actor);
      if (after) query.set('cursor', after);
      return api('GET', `/api/audit-log?${query}`, auditPageSchema);
    },
    [action, actor],
  );
  const { items, error, loadOlder } = usePagedLog(fetchPage);

  return (
    <>
      <div className="page-head">
        <div>
          <h1 tabIndex={-1}>Audit log</h1>
          <p className="muted small">
            Every administrative change: who made it, from which address, and what it changed. Secrets are never
            recorded.
          </p>
        </div>
      </div>
      <form
        className="panel audit-filters"
        aria-label="Filter the audit log"
        onSubmit={(event) => {
          event.preventDefault();
          setActor(actorText.trim());
        }}
      >
        <div className="field">
          <label className="label" htmlFor={`${id}-action`}>
            Action
          </label>
          <select id={`${id}-action`} value={action} onChange={(event) => setAction(event.target.value)}>
            <option value="">All</option>
            {families.map((family) => (
              <optgroup key={family} label={family}>
                <option value={family}>{`${family}: all`}</option>
                {auditActions
                  .filter((name) => name.startsWith(`${family}.`))
                  .map((name) => (
                    <option key={name} value={name}>
                      {name}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="label" htmlFor={`${id}-actor`}>
            Actor
          </label>
          <input
            id={`${id}-actor`}
            type="search"
            value={actorText}
            maxLength={200}
            placeholder="Username, API key name or id"
            onChange={(event) => setActorText(event.target.value)}
          />
        </div>
      </form>
      <ErrorNote error={error} />
      <section className="panel audit-log" aria-label="Audit log entries">
        <DataTable
          loading={!error}
          rows={items}
          rowKey={(entry) => entry.id}
          empty={action || actor ? 'No entry matches.' : 'No changes recorded yet.'}
          columns={[
            {
              id: 'time',
              header: 'Time',
              className: 'nowrap small',
              cell: (entry) => <time dateTime={entry.createdAt}>{new Date(entry.createdAt).toLocaleString()}</time>,
            },
            {
              id: 'actor',
              header: 'Who',
              cell: (entry) => (
                <>
                  <span title={entry.actor.id ?? undefined}>{actorLabel(entry.actor)}</span>
                  {entry.ip ? <span className="muted small"> from {entry.ip}</span> : null}
                </>
              ),
            },
            { id: 'action', header: 'Action', className: 'nowrap', cell: (entry) => <code>{entry.action}</code> },
            {
              id: 'target',
              header: 'Target',
              className: 'audit-target small',
              cell: (entry) => (entry.target.id ? `${entry.target.type} ${entry.target.id}` : entry.target.type),
            },
            { id: 'changes', header: 'Changes', cell: (entry) => <Changes entry={entry} /> },
          ]}
        />
        {loadOlder ? (
          <button type="button" onClick={loadOlder}>
            Load older entries
          </button>
        ) : null}
      </section>
    </>
  );
}

const shownAtOnce = 6;

/** Before → after, field by field; long lists fold after a few lines. */
function Changes(props: { entry: AuditEntry }) {
  const changes = auditChanges(props.entry);
  if (changes.length === 0) return null;
  const line = (change: (typeof changes)[number]) => (
    <li key={change.path}>
      <span className="audit-path">{change.path}</span>:{' '}
      {change.before !== undefined ? <span className="audit-before">{change.before}</span> : null}
      {change.before !== undefined && change.after !== undefined ? ' → ' : null}
      {change.after !== undefined ? <span className="audit-after">{change.after}</span> : null}
    </li>
  );
  return (
    <>
      <ul className="audit-changes" aria-label="Changes">
        {changes.slice(0, shownAtOnce).map(line)}
      </ul>
      {changes.length > shownAtOnce ? (
        <details>
          <summary className="small">{`${changes.length - shownAtOnce} more`}</summary>
          <ul className="audit-changes">{changes.slice(shownAtOnce).map(line)}</ul>
        </details>
      ) : null}
    </>
  );
}
