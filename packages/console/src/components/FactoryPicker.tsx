import { type FactorySummary, factorySummariesSchema } from '@passline/contracts';
import { useEffect, useState } from 'react';
import { api } from '../api.ts';
import { Dialog } from './Dialog.tsx';
import { ErrorNote } from './ErrorNote.tsx';

/** "Set up" / "Change connector": every SMS connector type, with logo, name and one line. */
export function FactoryPicker(props: {
  open: boolean;
  title: string;
  onClose: () => void;
  onPick: (id: string) => void;
}) {
  const [factories, setFactories] = useState<FactorySummary[]>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (!props.open || factories) return;
    api('GET', '/api/connector-factories', factorySummariesSchema).then(setFactories, setError);
  }, [props.open, factories]);
  const sms = factories?.filter((factory) => factory.type === 'sms') ?? [];
  return (
    <Dialog open={props.open} title={props.title} onClose={props.onClose} wide>
      <div className="dialog-body">
        <p className="help">Choose the SMS provider Passline sends verification codes through.</p>
        <ErrorNote error={error} />
        {factories ? null : <p>Loading…</p>}
        <ul className="factory-list">
          {sms.map((factory) => (
            <li key={factory.id}>
              <button type="button" className="factory" onClick={() => props.onPick(factory.id)}>
                <img src={factory.logo} alt="" width={40} height={40} />
                <span>
                  <span className="factory-name">{factory.name}</span>
                  <span className="factory-description">{factory.description}</span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      </div>
    </Dialog>
  );
}
