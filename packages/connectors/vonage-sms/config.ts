import {
  defaultSmsTemplates,
  endpointField,
  secret,
  textTemplatesField,
  timeoutField,
  z,
} from '@passline/connector-kit';
import { vonageSignatureMethods } from './signature.ts';

export const defaultEndpoint = 'https://rest.nexmo.com';
export { defaultProviderTimeoutMs as defaultTimeoutMs } from '@passline/connector-kit';
/** Vonage splits longer texts into at most this many characters' worth of concatenated parts. */
export const maxTextLength = 1600;

// A virtual number (digits, an optional leading +) or an alphanumeric sender ID of up to 11 characters.
const numberSender = /^\+?[1-9]\d{5,14}$/;
const alphanumericSender = /^[A-Za-z0-9 ]{1,11}$/;

export const defaultTemplates = defaultSmsTemplates;

export const configSchema = z
  .strictObject({
    apiKey: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9]{1,32}$/, 'the API key is the short code of letters and digits at the top of the Dashboard')
      .describe('API key from the Vonage API Dashboard (home page, "API key"), e.g. a1b2c3d4.')
      .meta({ title: 'API key' }),
    apiSecret: secret(
      z.string().trim().min(1).optional().describe('API secret of the same account (Dashboard home page).'),
    ).meta({ title: 'API secret' }),
    brandName: z
      .string()
      .trim()
      .refine((value) => numberSender.test(value) || alphanumericSender.test(value), {
        message:
          '"brandName" is the sender: a Vonage virtual number (e.g. 14155550100) or an alphanumeric sender ID of at most 11 letters, digits and spaces',
      })
      .describe('Sender ("from"): a Vonage virtual number or an alphanumeric sender ID where the country allows one.')
      .meta({ title: 'Sender (brand name or number)' }),
    signatureSecret: secret(
      z
        .string()
        .trim()
        .min(1)
        .optional()
        .describe(
          'Signature secret (Dashboard > API settings): when set, requests are signed instead of carrying the API secret.',
        ),
    ).meta({ title: 'Signature secret' }),
    signatureMethod: z
      .enum(vonageSignatureMethods)
      .optional()
      .describe('Signing method chosen in the Dashboard beside the signature secret. Default md5hash.')
      .meta({ title: 'Signature method' }),
    templates: textTemplatesField(maxTextLength),
    endpoint: endpointField(`Base URL of the Vonage SMS API. Default ${defaultEndpoint}.`),
    timeoutMs: timeoutField(),
  })
  .superRefine((config, context) => {
    if (config.apiSecret === undefined && config.signatureSecret === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['apiSecret'],
        message: 'set "apiSecret", or "signatureSecret" to sign requests instead',
      });
    }
    if (config.signatureMethod !== undefined && config.signatureSecret === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['signatureSecret'],
        message: '"signatureMethod" needs the "signatureSecret" it applies to',
      });
    }
  });

export type VonageSmsConfig = z.output<typeof configSchema>;

export const configTemplate = {
  apiKey: '<API key>',
  apiSecret: '<API secret>',
  brandName: 'Passline',
  templates: defaultTemplates,
};
