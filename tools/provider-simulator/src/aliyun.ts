import type { ProviderSimulation } from './types.ts';

// Placeholder until the aliyun simulation lands: matches nothing.
export const aliyunSimulation: ProviderSimulation = {
  name: 'aliyun',
  matches: () => false,
  handle: () => ({ status: 501, body: { error: 'not simulated yet' } }),
};
