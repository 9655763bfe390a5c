import {
  type ConnectorFactory,
  type ConnectorLogger,
  configJsonSchema,
  isConnectorError,
  noticeUsageTypes,
  parseConnectorConfig,
  secretFields,
  secretMask,
  templateVariableNames,
} from '@passline/connector-kit';
import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import { generateCode, newId } from '../../crypto/codes.ts';
import type { KeyRing } from '../../crypto/keys.ts';
import { open, seal, sealContext, UnreadableSecretError } from '../../crypto/secret-box.ts';
import { AppError } from '../../errors.ts';
import type { Metrics } from '../../metrics/create-metrics.ts';
import { maskPhone, normalisePhone } from '../../phone.ts';
import type { ConnectorRow } from '../../storage/queries/connectors.ts';
import * as connectorQueries from '../../storage/queries/connectors.ts';
import type { Database } from '../../storage/schema.ts';
import type { ConnectorRegistry } from './connector-registry.ts';
import { createDelivery } from './delivery.ts';
import { DeliveryFailure, deliveryFailureToAppError } from './delivery-errors.ts';
import { consoleReceiptUrl, statusCallbackUrl } from './receipt-urls.ts';

export interface ConnectorView {
  id: string;
  factoryId: string;
  type: 'sms' | 'email';
  name: string;
  logo: string;
  active: boolean;
  /** Secret fields are replaced by the mask. */
  config: Record<string, unknown>;
  /** Where to point the provider's delivery reports (its console); null when not needed. */
  receiptUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ActiveConnector {
  row: ConnectorRow;
  factory: ConnectorFactory;
  config: unknown;
}

export interface ConnectorServiceDeps {
  db: Kysely<Database>;
  registry: ConnectorRegistry;
  keys: KeyRing;
  clock: Clock;
  logger: ConnectorLogger & { child(bindings: Record<string, unknown>): ConnectorLogger };
  fetch?: typeof fetch;
  /** How long an instance trusts its cached copy of the active connector. */
  cacheMs?: number;
  /** The public origin providers reach Passline at, for delivery receipt URLs; none: no receipts. */
  publicUrl?: () => string;
  /** Provider call durations and outcomes (delivery.ts). */
  metrics: Metrics;
}

export type ConnectorService = ReturnType<typeof createConnectorService>;

export function createConnectorService(deps: ConnectorServiceDeps) {
  const { db, registry, keys, clock } = deps;
  const { publicUrl } = deps;
  const deliver = createDelivery({
    db,
    clock,
    logger: deps.logger,
    metrics: deps.metrics,
    fetch: deps.fetch ?? fetch,
    statusCallbackUrl:
      publicUrl && ((factoryId, connectorId) => statusCallbackUrl(publicUrl(), factoryId, connectorId)),
  });
  const cacheMs = deps.cacheMs ?? 2000;
  const activeCache = new Map<string, { value: ActiveConnector | undefined; until: number }>();
  // Connectors by id, for routing's chains: decrypted and parsed once per cache period.
  const byIdCache = new Map<string, { value: ActiveConnector | undefined; until: number }>();
  const forgetCached = () => {
    activeCache.clear();
    byIdCache.clear();
  };

  function factoryOrThrow(factoryId: string): ConnectorFactory {
    const factory = registry.get(factoryId);
    if (!factory) throw new AppError('connector.factory_not_found', `No connector factory "${factoryId}".`);
    return factory;
  }

  function parseConfig(factory: ConnectorFactory, raw: unknown): Record<string, unknown> {
    try {
      return parseConnectorConfig(factory, raw) as Record<string, unknown>;
    } catch (error) {
      if (isConnectorError(error)) {
        throw new AppError('connector.invalid_config', error.message, { issues: error.issues ?? [] }, undefined, {
          cause: error,
        });
      }
      throw error;
    }
  }

  function storedConfig(row: ConnectorRow): Record<string, unknown> {
    const visible = JSON.parse(row.config) as Record<string, unknown>;
    if (!row.secrets) return visible;
    let secrets: Record<string, unknown>;
    try {
      secrets = JSON.parse(open(keys, row.secrets, sealContext.connector(row.id))) as Record<string, unknown>;
    } catch (error) {
      // Names the missing key id and what to set, never the secret (see crypto/secret-box.ts).
      throw new AppError(
        'connector.secret_unreadable',
        `The secrets of connector ${row.id} cannot be decrypted: ${(error as Error).message}.`,
        error instanceof UnreadableSecretError && error.keyId ? { keyId: error.keyId } : undefined,
        undefined,
        { cause: error },
      );
    }
    return { ...visible, ...secrets };
  }

  function split(factory: ConnectorFactory, id: string, config: Record<string, unknown>) {
    const secretNames = new Set(secretFields(factory.configSchema));
    const visible: Record<string, unknown> = {};
    const secrets: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(config)) (secretNames.has(name) ? secrets : visible)[name] = value;
    return {
      config: JSON.stringify(visible),
      secrets: Object.keys(secrets).length ? seal(keys, JSON.stringify(secrets), sealContext.connector(id)) : null,
    };
  }

  /** A mask sent back by a client means "keep what is stored". */
  function unmask(factory: ConnectorFactory, incoming: Record<string, unknown>, stored: Record<string, unknown>) {
    const result = { ...incoming };
    for (const name of secretFields(factory.configSchema)) {
      if (result[name] === secretMask) result[name] = stored[name];
    }
    return result;
  }

  function view(row: ConnectorRow): ConnectorView {
    const factory = registry.get(row.factory_id);
    const visible = JSON.parse(row.config) as Record<string, unknown>;
    const secretNames = factory ? secretFields(factory.configSchema) : [];
    const config = { ...visible };
    for (const name of secretNames) if (row.secrets) config[name] = secretMask;
    return {
      id: row.id,
      factoryId: row.factory_id,
      type: row.type,
      name: factory?.metadata.name ?? row.factory_id,
      logo: factory?.metadata.logo ?? '',
      active: row.active === 1,
      config,
      receiptUrl: publicUrl ? consoleReceiptUrl(publicUrl(), keys, factory, row.id) : null,
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  }

  const warnedStale = new Set<string>();
  /**
   * The saved config, parsed. A config saved before a template rule existed (a template naming a
   * variable Passline never fills) stays in use: its other usages keep sending, the broken one
   * fails as `connector.template_invalid`, and the log says once what to fix.
   */
  function activeConfig(factory: ConnectorFactory, row: ConnectorRow): unknown {
    const stored = storedConfig(row);
    try {
      return parseConnectorConfig(factory, stored);
    } catch (error) {
      const issues = isConnectorError(error) ? (error.issues ?? []) : [];
      const onlyTemplates =
        issues.length > 0 && issues.every((issue) => issue.path === 'templates' || issue.path.startsWith('templates.'));
      if (!onlyTemplates) throw error;
      const key = `${row.id}:${row.updated_at}`;
      if (!warnedStale.has(key)) {
        warnedStale.add(key);
        deps.logger.warn(
          { connector: row.id, factory: row.factory_id, issues },
          'the active connector has templates that no longer pass validation; sends that use them fail until they are fixed',
        );
      }
      return stored;
    }
  }

  async function rowOrThrow(id: string): Promise<ConnectorRow> {
    const row = await connectorQueries.findConnectorById(db, id);
    if (!row) throw new AppError('connector.not_found', `No connector "${id}".`);
    return row;
  }

  return {
    listFactories() {
      return registry.list().map((factory) => factory.metadata);
    },

    getFactory(factoryId: string) {
      const factory = factoryOrThrow(factoryId);
      return {
        ...factory.metadata,
        configSchema: configJsonSchema(factory),
        secretFields: secretFields(factory.configSchema),
        templateVariables: [...templateVariableNames],
        noticeUsages: [...noticeUsageTypes],
      };
    },

    async list(): Promise<ConnectorView[]> {
      return (await connectorQueries.listConnectors(db)).map(view);
    },

    async get(id: string): Promise<ConnectorView> {
      return view(await rowOrThrow(id));
    },

    /** Validates and stores a connector and makes it the active one of its type. */
    async create(input: { factoryId: string; config: unknown; active?: boolean }): Promise<ConnectorView> {
      const factory = factoryOrThrow(input.factoryId);
      const config = parseConfig(factory, input.config);
      const id = newId('con');
      const now = clock.now();
      const row: ConnectorRow = {
        id,
        factory_id: factory.metadata.id,
        type: factory.metadata.type,
        ...split(factory, id, config),
        active: input.active === false ? 0 : 1,
        created_at: now,
        updated_at: now,
      };
      await connectorQueries.insertConnector(db, row);
      forgetCached();
      return view(row);
    },

    /** Replaces the given top-level fields; a secret sent back as the mask keeps its stored value. */
    async update(id: string, changes: { config: Record<string, unknown> }): Promise<ConnectorView> {
      const row = await rowOrThrow(id);
      const factory = factoryOrThrow(row.factory_id);
      const stored = storedConfig(row);
      const config = parseConfig(factory, unmask(factory, { ...stored, ...changes.config }, stored));
      await connectorQueries.updateConnectorById(db, id, { ...split(factory, id, config), updated_at: clock.now() });
      forgetCached();
      return view(await rowOrThrow(id));
    },

    async activate(id: string): Promise<ConnectorView> {
      if (!(await connectorQueries.activateConnectorById(db, id, clock.now()))) {
        throw new AppError('connector.not_found', `No connector "${id}".`);
      }
      forgetCached();
      return view(await rowOrThrow(id));
    },

    async remove(id: string): Promise<void> {
      if (!(await connectorQueries.deleteConnectorById(db, id))) {
        throw new AppError('connector.not_found', `No connector "${id}".`);
      }
      forgetCached();
    },

    /** The active connector of a type, decrypted and parsed; cached briefly per instance. */
    async getActive(type: 'sms' | 'email'): Promise<ActiveConnector | undefined> {
      const now = clock.now();
      const hit = activeCache.get(type);
      if (hit && hit.until > now) return hit.value;
      const row = await connectorQueries.findActiveConnector(db, type);
      const factory = row ? registry.get(row.factory_id) : undefined;
      const value = row && factory ? { row, factory, config: activeConfig(factory, row) } : undefined;
      activeCache.set(type, { value, until: now + cacheMs });
      return value;
    },

    /** A saved connector ready to send (decrypted, parsed), by id; cached briefly per instance. */
    async getForSending(id: string): Promise<ActiveConnector | undefined> {
      const now = clock.now();
      const hit = byIdCache.get(id);
      if (hit && hit.until > now) return hit.value;
      const row = await connectorQueries.findConnectorById(db, id);
      const factory = row ? registry.get(row.factory_id) : undefined;
      const value = row && factory ? { row, factory, config: activeConfig(factory, row) } : undefined;
      byIdCache.set(id, { value, until: now + cacheMs });
      return value;
    },

    deliver,

    /**
     * Sends the Generic template through a config that is not saved (or a saved one with edits), so
     * an admin can check credentials and templates before committing. The provider's own error is
     * returned to the admin. The code in the test message is random and never stored.
     */
    async sendTest(input: { factoryId: string; to: string; config: Record<string, unknown>; connectorId?: string }) {
      const factory = factoryOrThrow(input.factoryId);
      const to = normalisePhone(input.to);
      let raw = input.config;
      if (input.connectorId) {
        const row = await rowOrThrow(input.connectorId);
        if (row.factory_id !== factory.metadata.id) {
          throw new AppError('request.invalid', 'connectorId belongs to another connector factory.');
        }
        raw = unmask(factory, raw, storedConfig(row));
      }
      const config = parseConfig(factory, raw);
      try {
        const outcome = await deliver(
          factory,
          config,
          { to, usage: 'Generic', payload: { code: generateCode(6), expiresInMinutes: '10' } },
          { connectorId: input.connectorId ?? null, verificationId: null, isTest: true },
        );
        return { to: maskPhone(to), ...outcome };
      } catch (error) {
        throw error instanceof DeliveryFailure ? deliveryFailureToAppError(error, 'admin') : error;
      }
    },
  };
}
