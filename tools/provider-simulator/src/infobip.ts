import type { ProviderSimulation } from './types.ts';

/** Infobip SMS API (filled in by the Infobip connector work). Until then it matches no request. */
export const infobipSimulation: ProviderSimulation = {
  name: 'infobip',
  matches: () => false,
  handle: () => ({ status: 501, body: { error: 'not simulated yet' } }),
};
