import {
  type Application,
  type ApplicationWithSecret,
  applicationListSchema,
  applicationSchema,
  applicationWithSecretSchema,
  noContentSchema,
} from '@passline/contracts';
import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../api.ts';
import { useConfirm } from '../components/Confirm.tsx';
import { ErrorNote } from '../components/ErrorNote.tsx';
import { MoreMenu } from '../components/MoreMenu.tsx';
import { href, navigate } from '../router.ts';
import { useLeaveGuard } from '../use-leave-guard.ts';
import { ApplicationConnect } from './ApplicationConnect.tsx';
import { ApplicationForm } from './ApplicationForm.tsx';
import { ApplicationSecretDialog } from './ApplicationSecretDialog.tsx';
import { applicationTypeLabels, changesFrom, fieldsOf, fieldsProblem } from './applications.ts';
import './applications-page.css';

const applicationPath = (id: string) => `/api/applications/${encodeURIComponent(id)}`;

/** One application: how to connect an app to it, its settings, its secret, and deleting it. */
export function ApplicationDetailsPage(props: { id: string }) {
  const [loaded, setLoaded] = useState<{ application: Application; discoveryUrl: string }>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    setLoaded(undefined);
    setError(undefined);
    // The discovery URL comes with the list: it is the server's public address, not this page's.
    Promise.all([
      api('GET', applicationPath(props.id), applicationSchema),
      api('GET', '/api/applications', applicationListSchema),
    ]).then(([application, list]) => setLoaded({ application, discoveryUrl: list.discoveryUrl }), setError);
  }, [props.id]);
  return (
    <>
      <p>
        <a
          href={href('/applications')}
          onClick={(event) => {
            event.preventDefault();
            void navigate('/applications');
          }}
        >
          ← Applications
        </a>
      </p>
      {error ? (
        <>
          <h1 tabIndex={-1}>Application</h1>
          <ErrorNote error={error} />
        </>
      ) : loaded ? (
        <Details key={loaded.application.id} {...loaded} />
      ) : (
        <p>Loading…</p>
      )}
    </>
  );
}

function Details(props: { application: Application; discoveryUrl: string }) {
  const confirm = useConfirm();
  const [application, setApplication] = useState(props.application);
  const [fields, setFields] = useState(() => fieldsOf(props.application));
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>();
  const [actionError, setActionError] = useState<unknown>();
  const [rotated, setRotated] = useState<ApplicationWithSecret>();

  const changes = changesFrom(application, fields);
  const dirty = Object.keys(changes).length > 0;
  useLeaveGuard(dirty, `“${application.name}”`);

  async function save(event: FormEvent) {
    event.preventDefault();
    const problem = fieldsProblem(fields);
    if (problem) return setError(new Error(problem));
    setSaving(true);
    setError(undefined);
    setSaved(false);
    try {
      const updated = await api('PATCH', applicationPath(application.id), applicationSchema, changes);
      setApplication(updated);
      setFields(fieldsOf(updated));
      setSaved(true);
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(false);
    }
  }

  async function rotate() {
    const yes = await confirm({
      title: `Rotate the secret of “${application.name}”?`,
      message: (
        <p>
          The current secret stops working at once: the app cannot sign users in until it is configured with the new
          secret, which is shown only once.
        </p>
      ),
      confirmLabel: 'Rotate secret',
      danger: true,
    });
    if (!yes) return;
    setActionError(undefined);
    try {
      const withSecret = await api('POST', `${applicationPath(application.id)}/secret`, applicationWithSecretSchema);
      const { clientSecret: _shownOnce, ...rest } = withSecret;
      setApplication(rest);
      setRotated(withSecret);
    } catch (caught) {
      setActionError(caught);
    }
  }

  async function remove() {
    const yes = await confirm({
      title: `Delete “${application.name}”?`,
      message: (
        <p>
          The app can no longer sign users in, and everyone signed in to it through Passline is signed out: its sign-ins
          and tokens end. This cannot be undone.
        </p>
      ),
      confirmLabel: 'Delete',
      danger: true,
    });
    if (!yes) return;
    setActionError(undefined);
    try {
      await api('DELETE', applicationPath(application.id), noContentSchema);
      await navigate('/applications', { force: true });
    } catch (caught) {
      setActionError(caught);
    }
  }

  return (
    <>
      <div className="page-head details-head">
        <div className="details-title">
          <h1 tabIndex={-1}>{application.name}</h1>
          <p className="details-meta">
            <span className="tag">{applicationTypeLabels[application.type]}</span>
            {application.firstParty ? (
              <span className="badge badge-ok">First-party</span>
            ) : (
              <span className="badge">Third-party</span>
            )}
          </p>
        </div>
        <div className="head-actions">
          <MoreMenu label="More" items={[{ label: 'Delete', onSelect: () => void remove(), danger: true }]} />
        </div>
      </div>
      <ErrorNote error={actionError} />

      <ApplicationConnect application={application} discoveryUrl={props.discoveryUrl} onRotate={() => void rotate()} />

      <section className="panel" aria-labelledby="application-settings-title">
        <h2 id="application-settings-title">Settings</h2>
        <form
          noValidate
          onSubmit={(event) => void save(event)}
          onChange={() => setSaved(false)}
          aria-labelledby="application-settings-title"
        >
          <ApplicationForm fields={fields} onChange={setFields} type={application.type} />
          <ErrorNote error={error} prefix="Not saved." />
          {saved ? (
            <p className="note note-ok" role="status">
              Saved.
            </p>
          ) : null}
          <div className="actions sticky-actions">
            {dirty ? <span className="muted small">Unsaved changes</span> : null}
            <button
              type="button"
              disabled={!dirty || saving}
              onClick={() => {
                setFields(fieldsOf(application));
                setError(undefined);
              }}
            >
              Discard changes
            </button>
            <button type="submit" className="primary" disabled={!dirty || saving}>
              {saving ? 'Saving…' : 'Save changes'}
            </button>
          </div>
        </form>
      </section>

      <ApplicationSecretDialog
        shown={rotated ? { application: rotated, reason: 'rotated' } : undefined}
        onClose={() => setRotated(undefined)}
      />
    </>
  );
}
