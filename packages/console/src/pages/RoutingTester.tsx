import { type ConnectorHealth, type RouteResolution, routeResolutionSchema } from '@passline/contracts';
import { type FormEvent, useId, useState } from 'react';
import { api } from '../api.ts';
import { ErrorNote } from '../components/ErrorNote.tsx';
import { type CountryNamer, countryLabel } from './protection-countries.ts';
import { HealthBadge } from './RoutingHealth.tsx';

/** Type a number, see the rule it matches and the chain a send to it would go through now. */
export function RoutingTester(props: {
  labelOf: (id: string) => string;
  healthOf: (id: string) => ConnectorHealth;
  nameOf: CountryNamer;
  /** Edits not yet saved: the server resolves with the saved routing. */
  unsaved: boolean;
  now: number;
}) {
  const id = useId();
  const [to, setTo] = useState('');
  const [result, setResult] = useState<RouteResolution>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!to.trim()) return;
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      setResult(
        await api('GET', `/api/routing/sms/resolve?to=${encodeURIComponent(to.trim())}`, routeResolutionSchema),
      );
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <form className="test-form" onSubmit={(event) => void submit(event)} aria-label="Route tester">
        <div className="field">
          <label htmlFor={`${id}-to`} className="label">
            Phone number
          </label>
          <input
            id={`${id}-to`}
            type="tel"
            autoComplete="off"
            placeholder="+8613800138000"
            value={to}
            aria-describedby={`${id}-help`}
            onChange={(event) => setTo(event.target.value)}
          />
          <p className="help" id={`${id}-help`}>
            Nothing is sent. {props.unsaved ? 'The saved routing answers: save your edits to test them.' : null}
          </p>
        </div>
        <button type="submit" disabled={busy || !to.trim()}>
          Find route
        </button>
      </form>
      <ErrorNote error={error} />
      <div aria-live="polite" data-testid="route-result">
        {result ? <Resolution {...props} result={result} /> : null}
      </div>
    </>
  );
}

function Resolution(props: {
  result: RouteResolution;
  labelOf: (id: string) => string;
  healthOf: (id: string) => ConnectorHealth;
  nameOf: CountryNamer;
  now: number;
}) {
  const { result } = props;
  const country = result.country ? countryLabel(result.country, props.nameOf) : 'no country';
  const tried = result.chain.filter((step) => step.willTry).length;
  return (
    <div className="routing-resolution">
      <p>
        <code>{result.to}</code> ({country}):{' '}
        <strong>
          {result.rule === null ? 'no rule matches, the default chain' : `rule ${result.rule + 1} matches`}
        </strong>
        .{' '}
        {tried === 0
          ? 'No connector would be tried.'
          : `A send now tries ${tried} of ${result.chain.length}, in this order:`}
      </p>
      <ol className="routing-chain-list">
        {result.chain.map((step) => (
          <li key={step.connectorId} className="routing-chain-item">
            <span className="routing-chain-name">{props.labelOf(step.connectorId)}</span>
            <HealthBadge health={stepHealth(step, props.healthOf)} now={props.now} />
            <span className={step.willTry ? 'small' : 'small muted'}>
              {step.willTry ? 'Will be tried' : 'Skipped: tried only if the others fail'}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}

/** The answer's state, with the health list's end of the skip when both say the breaker is open. */
function stepHealth(
  step: RouteResolution['chain'][number],
  healthOf: (id: string) => ConnectorHealth,
): Pick<ConnectorHealth, 'state' | 'openUntil'> {
  const listed = healthOf(step.connectorId);
  return { state: step.health, openUntil: listed.state === step.health ? listed.openUntil : null };
}
