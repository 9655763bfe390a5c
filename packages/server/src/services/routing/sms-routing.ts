import { type RoutingRule, routingLimits, type SmsRouting } from '@passline/contracts';
import type { Kysely } from 'kysely';
import { isSupportedCountry } from 'libphonenumber-js/max';
import type { Clock } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import { findSettingByKey, upsertSetting } from '../../storage/queries/settings.ts';
import type { Database } from '../../storage/schema.ts';
import type { ActiveConnector, ConnectorService } from '../connectors/connector-service.ts';

const settingKey = 'routing.sms';

interface StoredRouting {
  rules: RoutingRule[];
  default: string[];
  updatedAt: number;
}

export interface RoutingInput {
  rules: RoutingRule[];
  default: string[];
}

/** Where a send goes: the rule that matched (index) or the default chain (null), and its connectors. */
export interface ResolvedChain {
  rule: number | null;
  connectors: ActiveConnector[];
}

export type SmsRoutingService = ReturnType<typeof createSmsRouting>;

/**
 * SMS routing on top of the simple mode. Without a saved table the chain is the active connector,
 * exactly as before. A saved table sends each number through the connectors of the first rule
 * that matches its country or E.164 prefix, or through the default chain. Activating a connector
 * the simple way makes the default chain that one connector; deleting a connector takes it out of
 * every chain.
 */
export function createSmsRouting(deps: {
  db: Kysely<Database>;
  clock: Clock;
  connectors: ConnectorService;
  cacheMs?: number;
}) {
  const { db, clock, connectors } = deps;
  const cacheMs = deps.cacheMs ?? 2000;
  let cache: { value: StoredRouting | undefined; until: number } | undefined;

  async function stored(): Promise<StoredRouting | undefined> {
    const now = clock.now();
    if (cache && cache.until > now) return cache.value;
    const raw = await findSettingByKey(db, settingKey);
    const value = raw === undefined ? undefined : (JSON.parse(raw) as StoredRouting);
    cache = { value, until: now + cacheMs };
    return value;
  }

  async function save(routing: RoutingInput): Promise<void> {
    const now = clock.now();
    await upsertSetting(db, settingKey, JSON.stringify({ ...routing, updatedAt: now }), now);
    cache = undefined;
  }

  async function view(): Promise<SmsRouting> {
    const routing = await stored();
    if (!routing) {
      const active = await connectors.getActive('sms');
      return { rules: [], default: active ? [active.row.id] : [], mode: 'simple', updatedAt: null };
    }
    const simple = routing.rules.length === 0 && routing.default.length <= 1;
    return {
      rules: routing.rules,
      default: routing.default,
      mode: simple ? 'simple' : 'routing',
      updatedAt: new Date(routing.updatedAt).toISOString(),
    };
  }

  function invalid(message: string): AppError {
    return new AppError('routing.invalid', message);
  }

  /** The checks a schema cannot make: connectors that exist and send SMS, real countries. */
  async function validate(input: RoutingInput): Promise<RoutingInput> {
    const sms = new Set((await connectors.list()).filter((row) => row.type === 'sms').map((row) => row.id));
    const checkChain = (chain: string[], where: string) => {
      if (chain.length === 0) throw invalid(`${where}: name at least one connector.`);
      if (new Set(chain).size !== chain.length) throw invalid(`${where}: a connector appears twice.`);
      const unknown = chain.find((id) => !sms.has(id));
      if (unknown) throw invalid(`${where}: "${unknown}" is not a configured SMS connector.`);
    };
    checkChain(input.default, 'default');
    const rules = input.rules.map((rule, index) => {
      const where = `rules[${index}]`;
      const countries = (rule.countries ?? []).map((country) => country.toUpperCase());
      const prefixes = rule.prefixes ?? [];
      if (countries.length === 0 && prefixes.length === 0) throw invalid(`${where}: give countries, prefixes or both.`);
      const unknownCountry = countries.find((country) => !isSupportedCountry(country));
      if (unknownCountry)
        throw invalid(`${where}: "${unknownCountry}" is not an ISO 3166-1 country code with phone numbers.`);
      const badPrefix = prefixes.find((prefix) => !/^\+[1-9]\d{0,7}$/.test(prefix));
      if (badPrefix) throw invalid(`${where}: "${badPrefix}" is not an E.164 prefix such as +86 or +1242.`);
      checkChain(rule.connectors, where);
      return {
        ...(countries.length > 0 ? { countries } : {}),
        ...(prefixes.length > 0 ? { prefixes } : {}),
        connectors: rule.connectors,
      };
    });
    if (rules.length > routingLimits.rules) throw invalid(`At most ${routingLimits.rules} rules.`);
    return { rules, default: input.default };
  }

  /** The rule for a number: the first whose country or prefix matches, or null (the default chain). */
  function matchRule(routing: StoredRouting, number: string, country: string | undefined): number | null {
    const index = routing.rules.findIndex(
      (rule) =>
        (country !== undefined && rule.countries?.includes(country)) ||
        rule.prefixes?.some((prefix) => number.startsWith(prefix)),
    );
    return index === -1 ? null : index;
  }

  return {
    get: view,

    async put(input: RoutingInput): Promise<SmsRouting> {
      const routing = await validate(input);
      await save(routing);
      // The simple mode's "active connector" is the first of the default chain: the Connectors page
      // and anything reading the active connector agree with routing.
      const first = routing.default[0];
      if (first && (await connectors.getActive('sms'))?.row.id !== first) await connectors.activate(first);
      return view();
    },

    /** Activation the simple way: that connector becomes the whole default chain. */
    async activated(connectorId: string): Promise<void> {
      const routing = await stored();
      if (routing) await save({ rules: routing.rules, default: [connectorId] });
    },

    /** A deleted connector leaves every chain; a rule left without connectors goes with it. */
    async removed(connectorId: string): Promise<void> {
      const routing = await stored();
      if (!routing) return;
      const rules = routing.rules
        .map((rule) => ({ ...rule, connectors: rule.connectors.filter((id) => id !== connectorId) }))
        .filter((rule) => rule.connectors.length > 0);
      await save({ rules, default: routing.default.filter((id) => id !== connectorId) });
    },

    /**
     * The connectors a send to this number goes through, in order. Connectors named in the table
     * that no longer exist are left out; with nothing left, the active connector (the simple mode).
     */
    async chainFor(number: string, country: string | undefined): Promise<ResolvedChain> {
      const routing = await stored();
      const active = async (): Promise<ResolvedChain> => {
        const connector = await connectors.getActive('sms');
        return { rule: null, connectors: connector ? [connector] : [] };
      };
      if (!routing) return active();
      const rule = matchRule(routing, number, country);
      const ids = rule === null ? routing.default : (routing.rules[rule]?.connectors ?? []);
      const loaded = await Promise.all(ids.map((id) => connectors.getForSending(id)));
      const chain = loaded.filter((connector): connector is ActiveConnector => connector?.row.type === 'sms');
      return chain.length > 0 ? { rule, connectors: chain } : active();
    },
  };
}
