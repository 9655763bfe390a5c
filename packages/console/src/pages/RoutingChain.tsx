import { type ConnectorHealth, routingLimits } from '@passline/contracts';
import { useId, useRef, useState } from 'react';
import { HealthBadge } from './RoutingHealth.tsx';
import { moveItem } from './routing-rules.ts';
import { useDragReorder, useMoveFocus } from './use-reorder.ts';

/** What a chain editor needs to name connectors and offer them. */
export interface ChainContext {
  /** The configured SMS connectors, as they can be added. */
  options: Array<{ id: string; label: string }>;
  /** A name for any id, a deleted connector's too. */
  labelOf: (id: string) => string;
  healthOf: (id: string) => ConnectorHealth;
  /** Says a move out loud to screen readers. */
  announce: (text: string) => void;
  now: number;
}

/**
 * An ordered chain of connectors (the order they are tried): drag a handle, or use Move up and
 * Move down; Remove; add one of the SMS connectors not yet in the chain.
 */
export function ChainEditor(props: {
  label: string;
  /** When a heading above already says what the chain is. */
  hideLegend?: boolean;
  help?: string;
  chain: string[];
  onChange: (chain: string[]) => void;
  context: ChainContext;
  error?: string;
}) {
  const id = useId();
  const { chain, context } = props;
  const [adding, setAdding] = useState('');
  const items = useRef(new Map<string, HTMLLIElement>());
  const focus = useMoveFocus();

  function move(from: number, to: number) {
    const connectorId = chain[from];
    if (connectorId === undefined) return;
    props.onChange(moveItem(chain, from, to));
    context.announce(`${context.labelOf(connectorId)} moved to position ${to + 1} of ${chain.length}.`);
  }
  const drag = useDragReorder(move);
  const available = context.options.filter((option) => !chain.includes(option.id));
  const chosen = available.some((option) => option.id === adding) ? adding : (available[0]?.id ?? '');

  return (
    <fieldset
      className="field routing-chain"
      aria-describedby={
        [props.help ? `${id}-help` : '', props.error ? `${id}-error` : ''].join(' ').trim() || undefined
      }
    >
      <legend className={props.hideLegend ? 'visually-hidden' : 'label'}>{props.label}</legend>
      {props.help ? (
        <p className="help" id={`${id}-help`}>
          {props.help}
        </p>
      ) : null}
      {chain.length ? (
        <ol className="routing-chain-list">
          {chain.map((connectorId, index) => {
            const name = context.labelOf(connectorId);
            const health = context.healthOf(connectorId);
            const classes = ['routing-chain-item'];
            if (drag.over === index && drag.source !== index) classes.push('routing-drop-target');
            if (drag.source === index) classes.push('routing-dragging');
            return (
              <li
                key={connectorId}
                className={classes.join(' ')}
                data-connector-id={connectorId}
                ref={(element) => {
                  if (element) items.current.set(connectorId, element);
                  else items.current.delete(connectorId);
                }}
                {...drag.targetProps(index)}
              >
                <span
                  className="routing-handle"
                  title="Drag to reorder"
                  aria-hidden="true"
                  {...drag.handleProps(index, () => items.current.get(connectorId) ?? null)}
                >
                  ⠿
                </span>
                <span className="routing-position" aria-hidden="true">
                  {index + 1}.
                </span>
                <span className="routing-chain-name" title={connectorId}>
                  {name}
                </span>
                {health.state === 'closed' ? null : <HealthBadge health={health} now={context.now} />}
                <span className="routing-move">
                  <button
                    type="button"
                    ref={focus.register(connectorId, 'up')}
                    aria-label={`Move ${name} up`}
                    title="Move up"
                    disabled={index === 0}
                    onClick={() => {
                      focus.follow(connectorId, 'up');
                      move(index, index - 1);
                    }}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    ref={focus.register(connectorId, 'down')}
                    aria-label={`Move ${name} down`}
                    title="Move down"
                    disabled={index === chain.length - 1}
                    onClick={() => {
                      focus.follow(connectorId, 'down');
                      move(index, index + 1);
                    }}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    aria-label={`Remove ${name}`}
                    title="Remove"
                    onClick={() => props.onChange(chain.filter((other) => other !== connectorId))}
                  >
                    ×
                  </button>
                </span>
              </li>
            );
          })}
        </ol>
      ) : (
        <p className="muted small">No connector yet.</p>
      )}
      {chain.length < routingLimits.chain && available.length ? (
        <div className="routing-add">
          <label htmlFor={`${id}-add`} className="visually-hidden">
            Connector to add to {props.label.toLowerCase()}
          </label>
          <select id={`${id}-add`} value={chosen} onChange={(event) => setAdding(event.target.value)}>
            {available.map((option) => (
              <option key={option.id} value={option.id}>
                {option.label}
              </option>
            ))}
          </select>
          <button
            type="button"
            aria-label={`Add to ${props.label.toLowerCase()}`}
            onClick={() => {
              if (chosen) props.onChange([...chain, chosen]);
            }}
          >
            Add
          </button>
        </div>
      ) : (
        <p className="help">
          {chain.length >= routingLimits.chain
            ? `A chain holds at most ${routingLimits.chain} connectors.`
            : 'Every SMS connector is in this chain.'}
        </p>
      )}
      {props.error ? (
        <p className="field-error" id={`${id}-error`}>
          {props.error}
        </p>
      ) : null}
    </fieldset>
  );
}
