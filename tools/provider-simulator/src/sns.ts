import type { ProviderSimulation } from './types.ts';

/** Amazon SNS Publish (filled in by the Amazon SNS connector work). Until then it matches no request. */
export const snsSimulation: ProviderSimulation = {
  name: 'sns',
  matches: () => false,
  handle: () => ({ status: 501, body: { error: 'not simulated yet' } }),
};
