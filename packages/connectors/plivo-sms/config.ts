import {
  defaultSmsTemplates,
  endpointField,
  secret,
  textTemplatesField,
  timeoutField,
  z,
} from '@passline/connector-kit';

export const defaultEndpoint = 'https://api.plivo.com';
export { defaultProviderTimeoutMs as defaultTimeoutMs } from '@passline/connector-kit';
/** Plivo splits and bills longer texts but refuses a text beyond this many characters. */
export const maxTextLength = 1600;

const e164 = /^\+[1-9]\d{1,14}$/;
// An alphanumeric sender ID (up to 11 letters, digits and spaces) or a short code.
const alphanumericSender = /^[A-Za-z0-9 ]{1,11}$/;
const uuid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export const defaultTemplates = defaultSmsTemplates;

// Field names follow Logto's connector style (accountSID/authToken for Twilio): Logto has no Plivo connector.
export const configSchema = z
  .strictObject({
    authId: z
      .string()
      .trim()
      .regex(/^[A-Z0-9]{20}$/, 'the Auth ID is 20 capital letters and digits (Plivo console > Overview, Account)')
      .describe('Auth ID from the Plivo console (Overview page, Account box), e.g. MAXXXXXXXXXXXXXXXXXX.')
      .meta({ title: 'Auth ID' }),
    authToken: secret(
      z.string().trim().min(1, 'the Auth Token is required').describe('Auth Token shown beside the Auth ID.'),
    ).meta({ title: 'Auth Token' }),
    senderNumber: z
      .string()
      .trim()
      .refine((value) => e164.test(value) || alphanumericSender.test(value), {
        message:
          '"senderNumber" is a Plivo number in E.164 form (e.g. +14155550100), a short code, or an alphanumeric sender ID of at most 11 letters, digits and spaces',
      })
      .optional()
      .describe('Sender: a Plivo number in E.164 form, a short code or a sender ID. Set this or the Powerpack UUID.')
      .meta({ title: 'Sender number or ID' }),
    powerpackUuid: z
      .string()
      .trim()
      .regex(uuid, 'the Powerpack UUID looks like 1a2b3c4d-0000-0000-0000-123456789abc (Messaging > Powerpack)')
      .optional()
      .describe('Powerpack UUID: Plivo picks the sender from the Powerpack. Set this or the sender number.')
      .meta({ title: 'Powerpack UUID' }),
    templates: textTemplatesField(maxTextLength),
    endpoint: endpointField(`Base URL of the Plivo API. Default ${defaultEndpoint}.`),
    timeoutMs: timeoutField(),
  })
  .superRefine((config, context) => {
    const senders = [config.senderNumber, config.powerpackUuid].filter((value) => value !== undefined).length;
    if (senders !== 1) {
      context.addIssue({
        code: 'custom',
        path: senders === 0 ? ['senderNumber'] : ['powerpackUuid'],
        message:
          senders === 0
            ? 'set a sender: either "senderNumber" (a Plivo number or sender ID) or "powerpackUuid" (a Powerpack)'
            : 'set only one sender: remove either "senderNumber" or "powerpackUuid" (Plivo refuses both in one request)',
      });
    }
  });

export type PlivoSmsConfig = z.output<typeof configSchema>;

export const configTemplate = {
  authId: 'MAXXXXXXXXXXXXXXXXXX',
  authToken: '<Auth Token>',
  senderNumber: '+14155550100',
  templates: defaultTemplates,
};
