import type { ConnectorFactory } from '@passline/connector-kit';
import { devSmsConnector } from './dev-sms/index.ts';

/** The connectors that ship with Passline, in the order the console lists them. */
export const builtInConnectors: readonly ConnectorFactory[] = [devSmsConnector as ConnectorFactory];
