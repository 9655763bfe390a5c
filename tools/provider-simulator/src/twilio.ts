import type { ProviderSimulation } from './types.ts';

// Placeholder until the twilio simulation lands: matches nothing.
export const twilioSimulation: ProviderSimulation = {
  name: 'twilio',
  matches: () => false,
  handle: () => ({ status: 501, body: { error: 'not simulated yet' } }),
};
