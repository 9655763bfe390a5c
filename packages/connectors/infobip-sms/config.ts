import { defaultSmsTemplates, secret, textTemplatesField, timeoutField, z } from '@passline/connector-kit';

export { defaultProviderTimeoutMs as defaultTimeoutMs } from '@passline/connector-kit';

/**
 * Passline's cap on a message text, not Infobip's: Infobip splits a long text into parts and bills
 * each one, and 1600 characters (about ten parts) is far beyond what a code message needs.
 */
export const maxBodyLength = 1600;

// Infobip's sender rules: an alphanumeric sender ID of 3 to 11 characters, or a number (or short
// code) of 3 to 14 digits, here also with the "+" of international form.
const alphanumericSender = /^[A-Za-z0-9 ]{3,11}$/;
const numericSender = /^\+?\d{3,14}$/;

// The portal shows the base URL without a scheme (xxxxx.api.infobip.com); both forms are taken.
const baseUrlPattern = /^(https?:\/\/)?[A-Za-z0-9.-]+(:\d{1,5})?(\/[^\s?#]*)?$/;

/** The base URL as a URL: https:// is assumed when the admin pasted the bare host from the portal. */
export function apiBase(baseUrl: string): URL {
  const base = new URL(/^https?:\/\//i.test(baseUrl) ? baseUrl : `https://${baseUrl}`);
  // Relative resolution keeps a path prefix (a proxy mounted under a path).
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return base;
}

export const defaultTemplates = defaultSmsTemplates;

export const configSchema = z.strictObject({
  apiKey: secret(
    z
      .string()
      .trim()
      .min(1, 'the API key is required')
      .regex(/^\S+$/, 'the API key is one word: copy it again from Developer tools > API keys')
      .describe('API key from the Infobip portal (Developer tools > API keys), sent as "Authorization: App <key>".'),
  ).meta({ title: 'API key' }),
  baseUrl: z
    .string()
    .trim()
    .regex(
      baseUrlPattern,
      'the base URL is the address shown on the Infobip portal homepage, e.g. https://xxxxx.api.infobip.com',
    )
    .refine((value) => URL.canParse(/^https?:\/\//i.test(value) ? value : `https://${value}`), {
      message: 'the base URL is the address shown on the Infobip portal homepage, e.g. https://xxxxx.api.infobip.com',
    })
    .describe(
      "Your account's own API base URL from the Infobip portal homepage, e.g. https://xxxxx.api.infobip.com (https:// is assumed when left out).",
    )
    .meta({ title: 'Base URL' }),
  sender: z
    .string()
    .trim()
    .refine((value) => alphanumericSender.test(value) || numericSender.test(value), {
      message:
        'the sender is an alphanumeric sender ID of 3 to 11 letters, digits and spaces (e.g. Passline), or a number of 3 to 14 digits in international form (e.g. +12025550134)',
    })
    .describe(
      'Sender shown to the recipient: an alphanumeric sender ID (registered where the country requires it) or a number from your Infobip account.',
    )
    .meta({ title: 'Sender' }),
  templates: textTemplatesField(maxBodyLength),
  timeoutMs: timeoutField(),
});

export type InfobipSmsConfig = z.output<typeof configSchema>;

export const configTemplate = {
  apiKey: '<API key>',
  baseUrl: 'https://xxxxx.api.infobip.com',
  sender: 'Passline',
  templates: defaultTemplates,
};
