import {
  noContentSchema,
  revokedSessionsSchema,
  type UserDetails,
  userDetailsSchema,
  userSummarySchema,
} from '@passline/contracts';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api.ts';
import { useConfirm } from '../components/Confirm.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { ErrorNote } from '../components/ErrorNote.tsx';
import { href, navigate } from '../router.ts';
import { formatTime, StatusBadge, sessionKindLabels } from './user-views.tsx';
import './users-page.css';

/** One end user: who they are, where they are signed in, and what an admin can do about it. */
export function UserDetailsPage(props: { id: string }) {
  const confirm = useConfirm();
  const [user, setUser] = useState<UserDetails>();
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);
  const path = `/api/users/${encodeURIComponent(props.id)}`;

  const load = useCallback(() => api('GET', path, userDetailsSchema).then(setUser), [path]);
  useEffect(() => {
    setUser(undefined);
    setError(undefined);
    load().catch(setError);
  }, [load]);

  /** Runs an action, then shows the user as they are now, and what happened. */
  async function act(action: () => Promise<string | undefined>) {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const message = await action();
      if (message === undefined) return;
      await load();
      setDone(message);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  if (!user) {
    return (
      <>
        <BackLink />
        {error ? <ErrorNote error={error} /> : <p>Loading…</p>}
      </>
    );
  }

  const suspend = () =>
    act(async () => {
      if (user.suspended) {
        await api('PATCH', path, userSummarySchema, { suspended: false });
        return 'Unsuspended. The user can sign in again.';
      }
      const yes = await confirm({
        title: `Suspend ${user.phone}?`,
        message: (
          <p>
            They are signed out everywhere, in Passline and in every application, and cannot sign in until you unsuspend
            them.
          </p>
        ),
        confirmLabel: 'Suspend',
        danger: true,
      });
      if (!yes) return undefined;
      await api('PATCH', path, userSummarySchema, { suspended: true });
      return 'Suspended, and signed out everywhere.';
    });

  const signOutEverywhere = () =>
    act(async () => {
      const yes = await confirm({
        title: `Sign ${user.phone} out everywhere?`,
        message: <p>Every session ends, in Passline and in every application. They can sign in again.</p>,
        confirmLabel: 'Sign out everywhere',
      });
      if (!yes) return undefined;
      const { revoked } = await api('POST', `${path}/sessions/revoke`, revokedSessionsSchema);
      return `Signed out of ${revoked} ${revoked === 1 ? 'session' : 'sessions'}.`;
    });

  const remove = () =>
    act(async () => {
      const yes = await confirm({
        title: `Delete ${user.phone}?`,
        message: (
          <p>
            The account and its sessions are deleted. This cannot be undone; the number can sign up again as a new user.
          </p>
        ),
        confirmLabel: 'Delete user',
        danger: true,
      });
      if (!yes) return undefined;
      await api('DELETE', path, noContentSchema);
      await navigate('/users');
      return undefined;
    });

  return (
    <>
      <BackLink />
      <div className="page-head details-head">
        <div className="details-title">
          <h1 tabIndex={-1}>{user.phone}</h1>
          <p className="details-meta">
            <StatusBadge suspended={user.suspended} />
          </p>
        </div>
        <div className="user-actions">
          <button type="button" disabled={busy} onClick={() => void suspend()}>
            {user.suspended ? 'Unsuspend' : 'Suspend'}
          </button>
          <button type="button" disabled={busy} onClick={() => void signOutEverywhere()}>
            Sign out everywhere
          </button>
          <button type="button" className="danger" disabled={busy} onClick={() => void remove()}>
            Delete
          </button>
        </div>
      </div>
      {done ? (
        <p className="note note-ok" role="status">
          {done}
        </p>
      ) : null}
      <ErrorNote error={error} />
      <section className="panel" aria-label="Account">
        <dl className="user-facts">
          <dt>Number</dt>
          <dd>{user.phone}</dd>
          <dt>User id</dt>
          <dd>
            <code>{user.id}</code>
          </dd>
          <dt>Status</dt>
          <dd>{user.suspended ? 'Suspended' : 'Active'}</dd>
          <dt>Signed up</dt>
          <dd>{formatTime(user.createdAt)}</dd>
          <dt>Last sign-in</dt>
          <dd>{formatTime(user.lastSignInAt)}</dd>
          <dt>Password</dt>
          <dd>{user.hasPassword ? 'Set' : 'None (signs in by code)'}</dd>
        </dl>
      </section>
      <section className="panel" aria-label="Sessions">
        <h2>Sessions</h2>
        <DataTable
          rows={user.sessions}
          rowKey={(session) => `${session.kind}:${session.id}`}
          empty="Not signed in anywhere."
          columns={[
            { id: 'kind', header: 'Kind', cell: (session) => sessionKindLabels[session.kind] },
            { id: 'application', header: 'Application', cell: (session) => session.application?.name ?? '—' },
            {
              id: 'created',
              header: 'Signed in',
              className: 'nowrap',
              cell: (session) => formatTime(session.createdAt),
            },
            { id: 'used', header: 'Last used', className: 'nowrap', cell: (session) => formatTime(session.lastUsedAt) },
            {
              id: 'expires',
              header: 'Expires',
              className: 'nowrap',
              cell: (session) => formatTime(session.expiresAt, '—'),
            },
          ]}
        />
      </section>
    </>
  );
}

function BackLink() {
  return (
    <p className="small">
      <a
        href={href('/users')}
        onClick={(event) => {
          event.preventDefault();
          void navigate('/users');
        }}
      >
        ← Users
      </a>
    </p>
  );
}
