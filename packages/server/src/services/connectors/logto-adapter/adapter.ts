import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type ConnectorContext,
  ConnectorError,
  type ConnectorFactory,
  defaultProviderTimeoutMs,
  type SendMessageInput,
} from '@passline/connector-kit';
import { logtoConfigSchema, toLogtoConfig } from './config-schema.ts';
import { fromLogtoError } from './errors.ts';
import type { CreateLogtoConnector, LogtoConnector } from './logto-types.ts';
import { providerMessageId } from './message-id.ts';
import { packageFolderOf, passlineMetadata } from './metadata.ts';
import { templatesForMessage } from './templates.ts';

/**
 * A Passline connector factory around a Logto SMS connector package. The Logto connector is created
 * once, at load; each message is sent with its config passed in (Logto's own "test with this config"
 * path), and `getConfig`, for connectors that ask anyway, answers with the config of the message
 * being sent. `source` names the module in load errors.
 */
export async function adaptLogtoConnector(
  create: CreateLogtoConnector,
  options: { moduleUrl: string; source: string },
): Promise<ConnectorFactory> {
  const { source } = options;
  const sending = new AsyncLocalStorage<Record<string, unknown>>();
  let connector: LogtoConnector;
  try {
    connector = await create({
      getConfig: async () => {
        const config = sending.getStore();
        if (!config) throw new Error('Passline hands a Logto connector its config only while sending a message');
        return config;
      },
    });
  } catch (error) {
    throw new Error(`${source}: the Logto connector could not be created: ${(error as Error)?.message}`);
  }
  checkShape(connector, source);
  const { schema, configTemplate, usages } = logtoConfigSchema(connector);
  const metadata = passlineMetadata(connector.metadata, packageFolderOf(options.moduleUrl), configTemplate);
  const send = connector.sendMessage as NonNullable<LogtoConnector['sendMessage']>;

  return {
    metadata,
    configSchema: schema,
    async sendMessage(input: SendMessageInput, config: unknown, context: ConnectorContext) {
      const saved = config as Record<string, unknown>;
      if (usages && !usages.has(input.usage)) {
        // Its guard would refuse the config with a template for this usage: say why instead.
        throw new ConnectorError(
          'template_not_found',
          `${metadata.name} takes templates only for ${[...usages].join(', ')}; it cannot send "${input.usage}".`,
        );
      }
      const templates = Array.isArray(saved.templates)
        ? templatesForMessage(saved.templates, input.usage, input.locale)
        : undefined;
      const logtoConfig = toLogtoConfig(saved, templates);
      const timeoutMs = typeof saved.timeoutMs === 'number' ? saved.timeoutMs : defaultProviderTimeoutMs;
      // Logto stores phone numbers as digits without "+", and its connectors are written for that.
      const to = input.to.replace(/^\+/, '');
      const payload = { ...input.payload, ...(input.locale ? { locale: input.locale } : {}) };
      try {
        const answer = await withDeadline(
          sending.run(logtoConfig, () => send({ to, type: input.usage, payload }, logtoConfig)),
          timeoutMs,
          metadata.name,
          context.signal,
        );
        return { messageId: providerMessageId(answer) };
      } catch (error) {
        throw fromLogtoError(error, metadata.name);
      }
    },
  };
}

function checkShape(connector: LogtoConnector, source: string): void {
  if (typeof connector !== 'object' || connector === null || typeof connector.metadata !== 'object') {
    throw new Error(`${source}: createConnector did not return a Logto connector (no metadata)`);
  }
  if (connector.type !== 'Sms') {
    throw new Error(
      `${source}: "${connector.metadata.id}" is a Logto ${String(connector.type)} connector; Passline runs Logto SMS connectors only`,
    );
  }
  if (typeof connector.sendMessage !== 'function') throw new Error(`${source}: the Logto connector has no sendMessage`);
  if (typeof connector.configGuard?.safeParse !== 'function') {
    throw new Error(`${source}: the Logto connector's configGuard is not a zod schema`);
  }
}

/**
 * Logto connectors take no abort signal (their `got` calls have no deadline), so Passline stops
 * waiting instead: after the config's timeout, or when the send's overall deadline aborts. The
 * request itself may still finish in the background; its answer is then ignored.
 */
function withDeadline<T>(work: Promise<T>, ms: number, name: string, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const expire = () => reject(new ConnectorError('timeout', `${name} did not answer within ${ms} ms.`));
    const timer = setTimeout(expire, ms);
    const onAbort = () => reject(new ConnectorError('timeout', `${name} did not answer before the send's deadline.`));
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    });
  });
}
