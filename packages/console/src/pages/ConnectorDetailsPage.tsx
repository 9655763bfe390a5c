import { type Connector, connectorSchema, type Factory, factorySchema, noContentSchema } from '@passline/contracts';
import { useEffect, useState } from 'react';
import { api } from '../api.ts';
import { ConfigFields } from '../components/ConfigFields.tsx';
import { useConfirm } from '../components/Confirm.tsx';
import { ErrorNote } from '../components/ErrorNote.tsx';
import { FactoryPicker } from '../components/FactoryPicker.tsx';
import { MoreMenu } from '../components/MoreMenu.tsx';
import { TestPanel } from '../components/TestPanel.tsx';
import { navigate } from '../router.ts';
import { useConnectorForm } from '../use-connector-form.ts';
import { useLeaveGuard } from '../use-leave-guard.ts';
import { ReceiptUrlField } from './ReceiptUrlField.tsx';

export function ConnectorDetailsPage(props: { id: string; onChanged: () => void }) {
  const [loaded, setLoaded] = useState<{ connector: Connector; factory: Factory }>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    setLoaded(undefined);
    (async () => {
      const connector = await api('GET', `/api/connectors/${encodeURIComponent(props.id)}`, connectorSchema);
      const factory = await api(
        'GET',
        `/api/connector-factories/${encodeURIComponent(connector.factoryId)}`,
        factorySchema,
      );
      setLoaded({ connector, factory });
    })().catch(setError);
  }, [props.id]);
  if (error) return <ErrorNote error={error} />;
  if (!loaded) return <p>Loading…</p>;
  return <Details key={loaded.connector.id} {...loaded} onChanged={props.onChanged} />;
}

function Details(props: { connector: Connector; factory: Factory; onChanged: () => void }) {
  const { factory } = props;
  const [connector, setConnector] = useState(props.connector);
  const form = useConnectorForm(factory, connector);
  const confirm = useConfirm();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const [picking, setPicking] = useState(false);

  useLeaveGuard(form.dirty, factory.name);

  async function save() {
    const built = form.build();
    if ('problem' in built) {
      setError(new Error(built.problem));
      return;
    }
    setSaving(true);
    setError(undefined);
    setSaved(false);
    try {
      const updated = await api('PATCH', `/api/connectors/${encodeURIComponent(connector.id)}`, connectorSchema, {
        config: built.config,
      });
      setConnector(updated);
      form.reset(updated);
      setSaved(true);
    } catch (caught) {
      form.showServerIssues(caught);
      setError(caught);
    } finally {
      setSaving(false);
    }
  }

  async function remove() {
    const yes = await confirm({
      title: `Delete ${factory.name}?`,
      message: (
        <>
          {connector.active ? (
            <p className="note note-warn">
              <strong>This is the active SMS connector.</strong> Until another one is active, Passline cannot send
              verification codes: sign-up, sign-in and password resets by SMS stop working.
            </p>
          ) : null}
          <p>The connector and its stored configuration (including secrets) are deleted. This cannot be undone.</p>
        </>
      ),
      confirmLabel: 'Delete',
      danger: true,
    });
    if (!yes) return;
    try {
      await api('DELETE', `/api/connectors/${encodeURIComponent(connector.id)}`, noContentSchema);
      props.onChanged();
      await navigate('/connectors', { force: true });
    } catch (caught) {
      setError(caught);
    }
  }

  async function activate() {
    try {
      setConnector(await api('POST', `/api/connectors/${encodeURIComponent(connector.id)}/activate`, connectorSchema));
      props.onChanged();
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <>
      <p>
        <a
          href="/console/connectors"
          onClick={(event) => {
            event.preventDefault();
            void navigate('/connectors');
          }}
        >
          ← Connectors
        </a>
      </p>
      <div className="page-head details-head">
        <img src={connector.logo} alt="" width={48} height={48} />
        <div className="details-title">
          <h1 tabIndex={-1}>{connector.name}</h1>
          <p className="details-meta">
            <span className="tag">SMS connector</span>
            {connector.active ? (
              <span className="badge badge-ok">Active</span>
            ) : (
              <span className="badge">Inactive</span>
            )}
            <span className="muted small">
              ID <code data-testid="connector-id">{connector.id}</code>
            </span>
          </p>
        </div>
        <div className="head-actions">
          {connector.active ? null : (
            <button type="button" className="primary" onClick={() => void activate()}>
              Activate
            </button>
          )}
          <MoreMenu
            label="More"
            items={[
              { label: 'Change connector', onSelect: () => setPicking(true) },
              { label: 'Delete', onSelect: () => void remove(), danger: true },
            ]}
          />
        </div>
      </div>

      <section className="panel" aria-labelledby="settings-title">
        <h2 id="settings-title">Parameter configuration</h2>
        <form
          id="connector-settings"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <ConfigFields
            factory={factory}
            fields={form.fields}
            state={form.state}
            onChange={(next) => {
              setSaved(false);
              form.setState(next);
            }}
            fieldErrors={form.fieldErrors}
            templateIssues={form.templateIssues}
          />
        </form>
        <ErrorNote error={error} prefix="Not saved." />
        {saved ? (
          <p className="note note-ok" role="status">
            Saved.
          </p>
        ) : null}
        <div className="actions sticky-actions">
          {form.dirty ? <span className="muted small">Unsaved changes</span> : null}
          <button
            type="button"
            disabled={!form.dirty || saving}
            onClick={() => {
              form.reset();
              setError(undefined);
            }}
          >
            Discard changes
          </button>
          <button
            type="submit"
            form="connector-settings"
            className="primary"
            disabled={!form.dirty || saving || !form.templatesOk}
          >
            {saving ? 'Saving…' : 'Save changes'}
          </button>
        </div>
      </section>

      <ReceiptUrlField connector={connector} />

      <TestPanel factoryId={factory.id} connectorId={connector.id} getConfig={form.build} />

      <FactoryPicker
        open={picking}
        title="Change connector"
        onClose={() => setPicking(false)}
        onPick={(factoryId) => {
          setPicking(false);
          void navigate(`/connectors/setup/${factoryId}?replacing=${encodeURIComponent(connector.id)}`);
        }}
      />
    </>
  );
}
