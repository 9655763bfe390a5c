export type { ReceiptMode, ReceiptOptions, SentReceipt } from './receipts.ts';
export { defaultCredentials, type ProviderSimulator, type SimulatorOptions, startProviderSimulator } from './server.ts';
export type { DeliveredMessage, FailureMode, ProviderName } from './types.ts';
