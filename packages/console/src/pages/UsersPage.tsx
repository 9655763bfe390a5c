import { userPageSchema } from '@passline/contracts';
import { useCallback, useEffect, useId, useState } from 'react';
import { api } from '../api.ts';
import { DataTable } from '../components/DataTable.tsx';
import { ErrorNote } from '../components/ErrorNote.tsx';
import { href, navigate } from '../router.ts';
import { usePagedLog } from '../use-paged-log.ts';
import { formatTime, StatusBadge, userPath } from './user-views.tsx';
import './users-page.css';

/**
 * End users, newest first, found by number or id. The search is kept in the address (`?search=`),
 * so coming back from a user's page shows the same list.
 */
export function UsersPage(props: { search: string }) {
  const id = useId();
  const [text, setText] = useState(props.search);

  // Typing searches after a short pause; Enter searches at once.
  useEffect(() => {
    const wanted = text.trim();
    if (wanted === props.search) return;
    const timer = setTimeout(() => void searchFor(wanted), 300);
    return () => clearTimeout(timer);
  }, [text, props.search]);

  const fetchPage = useCallback(
    async (after: string | null) => {
      const query = new URLSearchParams({ limit: '25' });
      if (props.search) query.set('search', props.search);
      if (after) query.set('cursor', after);
      return api('GET', `/api/users?${query}`, userPageSchema);
    },
    [props.search],
  );
  const { items, error, loadOlder } = usePagedLog(fetchPage);

  return (
    <>
      <div className="page-head">
        <div>
          <h1 tabIndex={-1}>Users</h1>
          <p className="muted small">The people who signed up with their phone number, newest first.</p>
        </div>
      </div>
      <form
        className="panel user-search"
        aria-label="Search users"
        onSubmit={(event) => {
          event.preventDefault();
          void searchFor(text.trim());
        }}
      >
        <label className="label" htmlFor={`${id}-search`}>
          Search
        </label>
        <div className="user-search-row">
          <input
            id={`${id}-search`}
            type="search"
            value={text}
            maxLength={100}
            placeholder="Number or user id"
            onChange={(event) => setText(event.target.value)}
          />
          <button type="submit">Search</button>
        </div>
      </form>
      <ErrorNote error={error} />
      <section className="panel" aria-label="Users">
        <DataTable
          loading={!error}
          rows={items}
          rowKey={(user) => user.id}
          empty={props.search ? 'No user matches.' : 'No users yet.'}
          columns={[
            {
              id: 'number',
              header: 'Number',
              cell: (user) => (
                <a
                  className="connector-name"
                  href={href(userPath(user.id))}
                  onClick={(event) => {
                    event.preventDefault();
                    void navigate(userPath(user.id));
                  }}
                >
                  {user.phone}
                </a>
              ),
            },
            { id: 'status', header: 'Status', cell: (user) => <StatusBadge suspended={user.suspended} /> },
            { id: 'created', header: 'Signed up', className: 'nowrap', cell: (user) => formatTime(user.createdAt) },
            {
              id: 'last',
              header: 'Last sign-in',
              className: 'nowrap',
              cell: (user) => formatTime(user.lastSignInAt),
            },
          ]}
        />
        {loadOlder ? (
          <button type="button" onClick={loadOlder}>
            Load more
          </button>
        ) : null}
      </section>
    </>
  );
}

function searchFor(search: string): Promise<void> {
  return navigate(search ? `/users?${new URLSearchParams({ search })}` : '/users', { replace: true });
}
