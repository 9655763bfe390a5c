import {
  defaultSmsTemplates,
  endpointField,
  secret,
  textTemplatesField,
  timeoutField,
  z,
} from '@passline/connector-kit';

export const defaultEndpoint = 'https://api.twilio.com';
export { defaultProviderTimeoutMs as defaultTimeoutMs } from '@passline/connector-kit';
/** Twilio refuses a Body longer than this (error 21617). */
export const maxBodyLength = 1600;

const e164 = /^\+[1-9]\d{1,14}$/;
// Up to 11 letters, digits and spaces: an alphanumeric sender ID, or a short code.
const alphanumericSender = /^[A-Za-z0-9 ]{1,11}$/;

export const defaultTemplates = defaultSmsTemplates;

export const configSchema = z
  .strictObject({
    accountSID: z
      .string()
      .trim()
      .regex(
        /^AC[0-9a-fA-F]{32}$/,
        'the Account SID is "AC" followed by 32 hexadecimal characters (Console > Account info)',
      )
      .describe('Account SID from the Twilio Console (Account info), e.g. AC0123456789abcdef0123456789abcdef.')
      .meta({ title: 'Account SID' }),
    authToken: secret(
      z.string().trim().min(1, 'the Auth Token is required').describe('Auth Token of the same account (Account info).'),
    ).meta({ title: 'Auth Token' }),
    fromMessagingServiceSID: z
      .string()
      .trim()
      .regex(
        /^MG[0-9a-fA-F]{32}$/,
        'the Messaging Service SID is "MG" followed by 32 hexadecimal characters (Messaging > Services)',
      )
      .optional()
      .describe('Messaging Service SID (MG...) that picks the sender. Set this or "from", not both.')
      .meta({ title: 'Messaging Service SID' }),
    from: z
      .string()
      .trim()
      .refine((value) => e164.test(value) || alphanumericSender.test(value), {
        message:
          '"from" is a Twilio phone number in E.164 form (e.g. +15017122661) or an alphanumeric sender ID of at most 11 letters, digits and spaces',
      })
      .optional()
      .describe(
        'Sender: a Twilio number in E.164 form or an alphanumeric sender ID. Set this or the Messaging Service SID.',
      )
      .meta({ title: 'From (number or sender ID)' }),
    templates: textTemplatesField(maxBodyLength),
    endpoint: endpointField(`Base URL of the Twilio REST API. Default ${defaultEndpoint}.`),
    timeoutMs: timeoutField(),
  })
  .superRefine((config, context) => {
    const senders = [config.fromMessagingServiceSID, config.from].filter((value) => value !== undefined).length;
    if (senders !== 1) {
      context.addIssue({
        code: 'custom',
        path: senders === 0 ? ['from'] : ['fromMessagingServiceSID'],
        message:
          senders === 0
            ? 'set a sender: either "fromMessagingServiceSID" (a Messaging Service, MG...) or "from" (a Twilio number or alphanumeric sender ID)'
            : 'set only one sender: remove either "fromMessagingServiceSID" or "from" (a Messaging Service already picks its own sender)',
      });
    }
  });

export type TwilioSmsConfig = z.output<typeof configSchema>;

export const configTemplate = {
  accountSID: 'ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  authToken: '<Auth Token>',
  fromMessagingServiceSID: 'MGxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  templates: defaultTemplates,
};
