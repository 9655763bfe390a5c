import { type ProtectionSummary, routingLimits } from '@passline/contracts';
import { useLayoutEffect, useRef } from 'react';
import { CountryPicker } from './ProtectionCountryPicker.tsx';
import { TagList } from './ProtectionInputs.tsx';
import { type CountryNamer, countryLabel } from './protection-countries.ts';
import { normalizeNumberPrefix } from './protection-entries.ts';
import { type ChainContext, ChainEditor } from './RoutingChain.tsx';
import { checkRoutingPrefix, moveItem, newRuleKey, type RuleDraft, type RuleProblems } from './routing-rules.ts';
import { useDragReorder, useMoveFocus } from './use-reorder.ts';

/**
 * The rules, first match wins: each matches countries and/or number prefixes and has its own
 * chain. Rules move by their handle or by Move up / Move down, like the connectors in a chain.
 */
export function RulesEditor(props: {
  rules: RuleDraft[];
  onChange: (rules: RuleDraft[]) => void;
  /** Shown once the admin has tried to save. */
  problems: RuleProblems[] | undefined;
  shadowed: string[][];
  context: ChainContext;
  seen: ProtectionSummary['countriesSeen'];
  nameOf: CountryNamer;
  /** The chain a new rule starts with. */
  defaultChain: string[];
}) {
  const { rules, context } = props;
  const cards = useRef(new Map<string, HTMLLIElement>());
  const focus = useMoveFocus();
  const added = useRef<string | null>(null);

  // A new rule takes the focus, so a keyboard user carries on inside it.
  useLayoutEffect(() => {
    if (!added.current) return;
    const card = cards.current.get(added.current);
    added.current = null;
    card?.querySelector<HTMLElement>('h3')?.focus();
  });

  function move(from: number, to: number) {
    props.onChange(moveItem(rules, from, to));
    context.announce(`Rule ${from + 1} moved to position ${to + 1} of ${rules.length}.`);
  }
  const drag = useDragReorder(move);
  const update = (index: number, change: Partial<RuleDraft>) =>
    props.onChange(rules.map((rule, at) => (at === index ? { ...rule, ...change } : rule)));

  return (
    <>
      {rules.length ? (
        <ol className="routing-rules" aria-label="Rules, first match wins">
          {rules.map((rule, index) => {
            const number = index + 1;
            const problems = props.problems?.[index];
            const shadowed = props.shadowed[index] ?? [];
            const classes = ['routing-rule'];
            if (drag.over === index && drag.source !== index) classes.push('routing-drop-target');
            if (drag.source === index) classes.push('routing-dragging');
            return (
              <li
                key={rule.key}
                className={classes.join(' ')}
                ref={(element) => {
                  if (element) cards.current.set(rule.key, element);
                  else cards.current.delete(rule.key);
                }}
                {...drag.targetProps(index)}
              >
                <fieldset className="routing-rule-body" aria-labelledby={`${rule.key}-title`}>
                  <div className="routing-rule-head">
                    <span
                      className="routing-handle"
                      title="Drag to reorder"
                      aria-hidden="true"
                      {...drag.handleProps(index, () => cards.current.get(rule.key) ?? null)}
                    >
                      ⠿
                    </span>
                    <h3 id={`${rule.key}-title`} tabIndex={-1}>
                      Rule {number}
                    </h3>
                    <span className="routing-move">
                      <button
                        type="button"
                        ref={focus.register(rule.key, 'up')}
                        aria-label={`Move rule ${number} up`}
                        title="Move up"
                        disabled={index === 0}
                        onClick={() => {
                          focus.follow(rule.key, 'up');
                          move(index, index - 1);
                        }}
                      >
                        ↑
                      </button>
                      <button
                        type="button"
                        ref={focus.register(rule.key, 'down')}
                        aria-label={`Move rule ${number} down`}
                        title="Move down"
                        disabled={index === rules.length - 1}
                        onClick={() => {
                          focus.follow(rule.key, 'down');
                          move(index, index + 1);
                        }}
                      >
                        ↓
                      </button>
                      <button
                        type="button"
                        onClick={() => {
                          props.onChange(rules.filter((other) => other.key !== rule.key));
                          context.announce(`Rule ${number} removed.`);
                        }}
                      >
                        Remove rule {number}
                      </button>
                    </span>
                  </div>
                  {problems?.match ? <p className="field-error">{problems.match}</p> : null}
                  {shadowed.length ? (
                    <p className="note note-warn small">
                      An earlier rule already takes{' '}
                      {shadowed
                        .map((entry) => (entry.startsWith('+') ? entry : countryLabel(entry, props.nameOf)))
                        .join(', ')}
                      : those numbers never reach this rule.
                    </p>
                  ) : null}
                  <div className="routing-rule-match">
                    <CountryPicker
                      label={`Rule ${number} countries`}
                      help="Numbers of these countries (judged from the number itself)."
                      selected={rule.countries}
                      onChange={(countries) => update(index, { countries })}
                      seen={props.seen}
                      nameOf={props.nameOf}
                      error={problems?.countries}
                    />
                    <TagList
                      label={`Rule ${number} number prefixes`}
                      help="Numbers that start with one of these, e.g. +1242 (the Bahamas inside +1)."
                      values={rule.prefixes}
                      onChange={(prefixes) => update(index, { prefixes })}
                      check={checkRoutingPrefix}
                      normalize={normalizeNumberPrefix}
                      placeholder="+1242"
                      error={problems?.prefixes}
                    />
                  </div>
                  <ChainEditor
                    label={`Rule ${number} chain`}
                    help="Tried in this order until one sends."
                    chain={rule.connectors}
                    onChange={(connectors) => update(index, { connectors })}
                    context={context}
                    error={problems?.connectors}
                  />
                </fieldset>
              </li>
            );
          })}
        </ol>
      ) : (
        <p className="muted">No rules: every SMS goes through the default chain.</p>
      )}
      <button
        type="button"
        disabled={rules.length >= routingLimits.rules}
        onClick={() => {
          const key = newRuleKey();
          added.current = key;
          props.onChange([...rules, { key, countries: [], prefixes: [], connectors: [...props.defaultChain] }]);
        }}
      >
        Add a rule
      </button>
      {rules.length >= routingLimits.rules ? <p className="help">At most {routingLimits.rules} rules.</p> : null}
    </>
  );
}
