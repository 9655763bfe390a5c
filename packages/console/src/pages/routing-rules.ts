/** The Routing page's editable copy of the SMS routing, its checks, and reordering. */

import { type RoutingRule, routingLimits, type SmsRouting } from '@passline/contracts';
import { allCountryCodes } from './protection-countries.ts';

/** A rule as the page edits it: both lists always present, and a key that survives reordering. */
export interface RuleDraft {
  key: string;
  countries: string[];
  prefixes: string[];
  connectors: string[];
}

export interface RoutingDraft {
  rules: RuleDraft[];
  default: string[];
}

/** The body of PUT /api/routing/sms. */
export interface RoutingRequest {
  rules: RoutingRule[];
  default: string[];
}

/** A routing prefix as the server takes it: a country calling code and up to 8 digits in all. */
export function checkRoutingPrefix(entry: string): string | undefined {
  if (/^\+[1-9]\d{0,7}$/.test(entry)) return undefined;
  return 'a prefix is + and 1 to 8 digits, not starting with 0, e.g. +86 or +1242';
}

let lastKey = 0;
/** React keys for rules: positions change when rules move, keys must not. */
export function newRuleKey(): string {
  lastKey += 1;
  return `rule-${lastKey}`;
}

export function draftOf(routing: Pick<SmsRouting, 'rules' | 'default'>): RoutingDraft {
  return {
    default: [...routing.default],
    rules: routing.rules.map((rule) => ({
      key: newRuleKey(),
      countries: [...(rule.countries ?? [])],
      prefixes: [...(rule.prefixes ?? [])],
      connectors: [...rule.connectors],
    })),
  };
}

/** What the server is sent: an empty list is left out, as a rule that matches by country only has no prefixes. */
export function requestOf(draft: RoutingDraft): RoutingRequest {
  return {
    default: [...draft.default],
    rules: draft.rules.map((rule) => ({
      ...(rule.countries.length ? { countries: [...rule.countries] } : {}),
      ...(rule.prefixes.length ? { prefixes: [...rule.prefixes] } : {}),
      connectors: [...rule.connectors],
    })),
  };
}

/** Whether two routings send the same way (keys and absent-versus-empty lists do not count). */
export function sameRouting(a: Pick<SmsRouting, 'rules' | 'default'>, b: Pick<SmsRouting, 'rules' | 'default'>) {
  return JSON.stringify(requestOf(draftOf(a))) === JSON.stringify(requestOf(draftOf(b)));
}

/** `list` with the entry at `from` moved to position `to` (the others keep their order). */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const moved = [...list];
  if (from === to || from < 0 || from >= list.length || to < 0 || to >= list.length) return moved;
  const [item] = moved.splice(from, 1) as [T];
  moved.splice(to, 0, item);
  return moved;
}

/** Every connector the routing sends through, each once, in the order a reader meets them. */
export function connectorsInUse(routing: Pick<SmsRouting, 'rules' | 'default'>): string[] {
  return [...new Set([...routing.default, ...routing.rules.flatMap((rule) => rule.connectors)])];
}

export interface RuleProblems {
  match?: string;
  countries?: string;
  prefixes?: string;
  connectors?: string;
}

export interface RoutingProblems {
  default?: string;
  rules: RuleProblems[];
  /** Too many rules. */
  count?: string;
}

/** What is wrong with a chain of connector ids, in words, or undefined. */
export function chainProblem(chain: readonly string[], smsConnectors: ReadonlySet<string>): string | undefined {
  if (chain.length === 0) return 'Choose at least one connector.';
  if (chain.length > routingLimits.chain) return `At most ${routingLimits.chain} connectors: remove some.`;
  if (new Set(chain).size !== chain.length) return 'A connector is in the chain twice: remove one.';
  const unknown = chain.find((id) => !smsConnectors.has(id));
  if (unknown) return `${unknown} is not a configured SMS connector (it was deleted?): remove it.`;
  return undefined;
}

function ruleProblems(rule: RuleDraft, smsConnectors: ReadonlySet<string>): RuleProblems {
  const problems: RuleProblems = {};
  if (rule.countries.length === 0 && rule.prefixes.length === 0) {
    problems.match = 'Choose a country or a number prefix, or remove the rule.';
  }
  const badCountry = rule.countries.find((code) => !allCountryCodes.includes(code));
  if (badCountry) problems.countries = `${badCountry} is not a country code: remove it.`;
  else if (rule.countries.length > routingLimits.entries) {
    problems.countries = `At most ${routingLimits.entries} countries in a rule.`;
  }
  const badPrefix = rule.prefixes.map((prefix) => [prefix, checkRoutingPrefix(prefix)] as const).find(([, why]) => why);
  if (badPrefix) problems.prefixes = `"${badPrefix[0]}": ${badPrefix[1]}`;
  else if (rule.prefixes.length > routingLimits.entries) {
    problems.prefixes = `At most ${routingLimits.entries} prefixes in a rule.`;
  }
  const chain = chainProblem(rule.connectors, smsConnectors);
  if (chain) problems.connectors = chain;
  return problems;
}

/** The checks the server makes, ahead of it, so the admin sees them beside the field. */
export function routingProblems(draft: RoutingDraft, smsConnectors: ReadonlySet<string>): RoutingProblems {
  const problems: RoutingProblems = { rules: draft.rules.map((rule) => ruleProblems(rule, smsConnectors)) };
  const defaultChain = chainProblem(draft.default, smsConnectors);
  if (defaultChain) problems.default = defaultChain;
  if (draft.rules.length > routingLimits.rules) problems.count = `At most ${routingLimits.rules} rules.`;
  return problems;
}

export function hasProblems(problems: RoutingProblems): boolean {
  return Boolean(
    problems.default || problems.count || problems.rules.some((rule) => Object.values(rule).some(Boolean)),
  );
}

/**
 * For each rule, the countries and prefixes an earlier rule already takes: the first rule that
 * matches wins, so these never reach the later rule. A prefix is taken by an earlier prefix it
 * starts with (+1242 by +1).
 */
export function shadowedEntries(rules: readonly RuleDraft[]): string[][] {
  return rules.map((rule, index) => {
    const earlier = rules.slice(0, index);
    const countries = rule.countries.filter((code) => earlier.some((other) => other.countries.includes(code)));
    const prefixes = rule.prefixes.filter((prefix) =>
      earlier.some((other) => other.prefixes.some((taken) => prefix.startsWith(taken))),
    );
    return [...countries, ...prefixes];
  });
}
