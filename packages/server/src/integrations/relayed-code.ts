import { z } from 'zod';

/**
 * A code another system issued. Only short letters-and-digits codes are relayed: the text around
 * it is Passline's template, so a relay key cannot turn Passline into a sender of arbitrary text.
 */
export const relayedCodeSchema = z
  .string()
  .regex(/^[0-9A-Za-z]{4,10}$/, 'must be the verification code: 4 to 10 letters or digits')
  .describe('The code to deliver (4 to 10 letters or digits).');
