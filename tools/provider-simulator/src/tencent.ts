import type { ProviderSimulation } from './types.ts';

// Placeholder until the tencent simulation lands: matches nothing.
export const tencentSimulation: ProviderSimulation = {
  name: 'tencent',
  matches: () => false,
  handle: () => ({ status: 501, body: { error: 'not simulated yet' } }),
};
