import type { ProviderSimulation } from './types.ts';

/** A generic HTTP SMS receiver (filled in by the generic HTTP connector work). Until then it matches no request. */
export const httpSmsSimulation: ProviderSimulation = {
  name: 'http',
  matches: () => false,
  handle: () => ({ status: 501, body: { error: 'not simulated yet' } }),
};
