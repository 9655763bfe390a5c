import {
  type ApplicationType,
  type ApplicationWithSecret,
  applicationListSchema,
  applicationWithSecretSchema,
  type ResponseOf,
} from '@passline/contracts';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api } from '../api.ts';
import { DataTable } from '../components/DataTable.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { ErrorNote } from '../components/ErrorNote.tsx';
import { href, navigate } from '../router.ts';
import { ApplicationForm } from './ApplicationForm.tsx';
import { ApplicationSecretDialog } from './ApplicationSecretDialog.tsx';
import { type ApplicationFields, applicationTypeLabels, createBody, fieldsProblem } from './applications.ts';
import './applications-page.css';

type ApplicationList = ResponseOf<typeof applicationListSchema>;

/** Applications: the OpenID Connect clients that sign users in through Passline. */
export function ApplicationsPage() {
  const [list, setList] = useState<ApplicationList>();
  const [error, setError] = useState<unknown>();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<ApplicationWithSecret>();

  const load = useCallback(() => api('GET', '/api/applications', applicationListSchema).then(setList, setError), []);
  useEffect(() => {
    void load();
  }, [load]);

  const detailsPath = (id: string) => `/applications/${encodeURIComponent(id)}`;

  return (
    <>
      <div className="page-head details-head">
        <div className="details-title">
          <h1 tabIndex={-1}>Applications</h1>
          <p className="muted small">
            The apps that sign users in through Passline with OpenID Connect.
            {list ? (
              <>
                {' '}
                Issuer <code>{list.issuer}</code>
              </>
            ) : null}
          </p>
        </div>
        <div className="head-actions">
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            Create application
          </button>
        </div>
      </div>
      <ErrorNote error={error} />
      <section className="panel" aria-label="Applications">
        <DataTable
          loading={!error}
          rows={list?.items}
          rowKey={(application) => application.id}
          empty="No applications yet. Create one to let an app sign users in with their phone number."
          columns={[
            {
              id: 'name',
              header: 'Name',
              cell: (application) => (
                <a
                  className="connector-name"
                  href={href(detailsPath(application.id))}
                  onClick={(event) => {
                    event.preventDefault();
                    void navigate(detailsPath(application.id));
                  }}
                >
                  {application.name}
                </a>
              ),
            },
            { id: 'type', header: 'Type', cell: (application) => applicationTypeLabels[application.type] },
            { id: 'client', header: 'Client ID', cell: (application) => <code>{application.id}</code> },
            {
              id: 'party',
              header: 'Consent',
              cell: (application) =>
                application.firstParty ? (
                  <span className="badge badge-ok">First-party</span>
                ) : (
                  <span className="badge">Third-party</span>
                ),
            },
          ]}
        />
      </section>
      <CreateApplicationDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(application) => {
          setCreating(false);
          setCreated(application);
          void load();
        }}
      />
      <ApplicationSecretDialog
        shown={created ? { application: created, reason: 'created' } : undefined}
        onClose={() => setCreated(undefined)}
      />
    </>
  );
}

const emptyFields: ApplicationFields = { name: '', redirectUris: '', postLogoutRedirectUris: '', firstParty: true };

function CreateApplicationDialog(props: {
  open: boolean;
  onClose: () => void;
  onCreated: (application: ApplicationWithSecret) => void;
}) {
  const [type, setType] = useState<ApplicationType>('web');
  const [fields, setFields] = useState(emptyFields);
  const [error, setError] = useState<unknown>();
  const [saving, setSaving] = useState(false);

  function close() {
    setFields(emptyFields);
    setType('web');
    setError(undefined);
    props.onClose();
  }

  async function create(event: FormEvent) {
    event.preventDefault();
    const problem = fieldsProblem(fields);
    if (problem) return setError(new Error(problem));
    setSaving(true);
    setError(undefined);
    try {
      const application = await api('POST', '/api/applications', applicationWithSecretSchema, createBody(type, fields));
      setFields(emptyFields);
      setType('web');
      props.onCreated(application);
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Dialog open={props.open} title="Create application" onClose={close} wide>
      <form className="dialog-body" noValidate onSubmit={(event) => void create(event)}>
        <ApplicationForm fields={fields} onChange={setFields} type={type} typeChoice={setType} />
        <ErrorNote error={error} prefix="Not created." />
        <div className="actions">
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={saving}>
            {saving ? 'Creating…' : 'Create application'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
