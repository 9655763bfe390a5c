import { connectorSchema, type Factory, factorySchema } from '@passline/contracts';
import { useEffect, useState } from 'react';
import { api } from '../api.ts';
import { ConfigFields } from '../components/ConfigFields.tsx';
import { ErrorNote } from '../components/ErrorNote.tsx';
import { Readme } from '../components/Readme.tsx';
import { TestPanel } from '../components/TestPanel.tsx';
import { navigate } from '../router.ts';
import { useConnectorForm } from '../use-connector-form.ts';
import { useLeaveGuard } from '../use-leave-guard.ts';

/** The setup guide: the README on the left, "Parameter configuration" and the test on the right. */
export function ConnectorSetupPage(props: { factoryId: string; replacing: string | null; onChanged: () => void }) {
  const [factory, setFactory] = useState<Factory>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api('GET', `/api/connector-factories/${encodeURIComponent(props.factoryId)}`, factorySchema).then(
      setFactory,
      setError,
    );
  }, [props.factoryId]);
  if (error) return <ErrorNote error={error} />;
  if (!factory) return <p>Loading…</p>;
  return <SetupGuide factory={factory} replacing={props.replacing} onChanged={props.onChanged} />;
}

function SetupGuide(props: { factory: Factory; replacing: string | null; onChanged: () => void }) {
  const { factory } = props;
  const form = useConnectorForm(factory);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>();
  useLeaveGuard(form.dirty, `the ${factory.name} setup`);

  async function save() {
    const built = form.build();
    if ('problem' in built) {
      setError(new Error(built.problem));
      return;
    }
    setSaving(true);
    setError(undefined);
    try {
      const created = await api('POST', '/api/connectors', connectorSchema, {
        factoryId: factory.id,
        config: built.config,
      });
      props.onChanged();
      await navigate(`/connectors/${created.id}`, { replace: true, force: true });
    } catch (caught) {
      form.showServerIssues(caught);
      setError(caught);
    } finally {
      setSaving(false);
    }
  }

  return (
    <>
      <div className="page-head">
        <img src={factory.logo} alt="" width={40} height={40} />
        <div>
          <h1 tabIndex={-1}>{props.replacing ? `Change connector: ${factory.name}` : `Set up ${factory.name}`}</h1>
          <p className="muted">{factory.description}</p>
        </div>
      </div>
      <div className="guide">
        <section className="panel guide-readme" aria-label={`${factory.name} README`}>
          <Readme markdown={factory.readme} />
        </section>
        <section className="panel guide-form" aria-labelledby="parameter-title">
          <h2 id="parameter-title">Parameter configuration</h2>
          <form
            id="connector-config"
            onSubmit={(event) => {
              event.preventDefault();
              void save();
            }}
            noValidate
          >
            <ConfigFields
              factory={factory}
              fields={form.fields}
              state={form.state}
              onChange={form.setState}
              fieldErrors={form.fieldErrors}
              templateIssues={form.templateIssues}
            />
          </form>
          <TestPanel factoryId={factory.id} getConfig={form.build} />
          <ErrorNote error={error} prefix="Not saved." />
          {props.replacing ? (
            <p className="help">
              Saving makes {factory.name} the active SMS connector; the current one is deactivated and keeps its
              configuration.
            </p>
          ) : null}
          <div className="actions sticky-actions">
            <button type="button" onClick={() => void navigate('/connectors')}>
              Cancel
            </button>
            <button type="submit" form="connector-config" className="primary" disabled={saving || !form.templatesOk}>
              {saving ? 'Saving…' : 'Save and done'}
            </button>
          </div>
        </section>
      </div>
    </>
  );
}
