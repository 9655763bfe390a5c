export { defaultCredentials, startProviderSimulator, type ProviderSimulator, type SimulatorOptions } from './server.ts';
export type { DeliveredMessage, FailureMode, ProviderName } from './types.ts';
