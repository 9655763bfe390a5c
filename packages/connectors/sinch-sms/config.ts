import {
  defaultSmsTemplates,
  endpointField,
  secret,
  textTemplatesField,
  timeoutField,
  z,
} from '@passline/connector-kit';

export { defaultProviderTimeoutMs as defaultTimeoutMs } from '@passline/connector-kit';

/** The regions Sinch hosts the SMS REST API in; a service plan lives in exactly one of them. */
export const regions = ['us', 'eu', 'au', 'br', 'ca'] as const;
export type SinchRegion = (typeof regions)[number];
export const defaultRegion: SinchRegion = 'us';

/** The regional base URL: the service plan's region decides the host, not the recipient's country. */
export function regionEndpoint(region: SinchRegion): string {
  return `https://${region}.sms.api.sinch.com`;
}

/** Sinch refuses a text message body longer than this. */
export const maxBodyLength = 2000;

// A number in international form (with or without "+"), a short code, or an alphanumeric sender.
const numericSender = /^\+?[1-9]\d{2,14}$/;
const alphanumericSender = /^[A-Za-z0-9 ]{1,11}$/;

export const defaultTemplates = defaultSmsTemplates;

export const configSchema = z.strictObject({
  servicePlanId: z
    .string()
    .trim()
    .regex(
      /^[A-Za-z0-9]{8,64}$/,
      'the Service plan ID is the letters and digits shown under SMS > APIs in the Sinch dashboard',
    )
    .describe('Service plan ID from the Sinch dashboard (SMS > APIs), e.g. 0123456789abcdef0123456789abcdef.')
    .meta({ title: 'Service plan ID' }),
  apiToken: secret(
    z
      .string()
      .trim()
      .min(1, 'the API token is required')
      .describe('API token of the same service plan (SMS > APIs, "Show" next to the token).'),
  ).meta({ title: 'API token' }),
  region: z
    .enum(regions, { error: 'the region is one of us, eu, au, br, ca: the one shown next to the service plan' })
    .default(defaultRegion)
    .describe('Region the service plan was created in (us, eu, au, br or ca). Default us.')
    .meta({ title: 'Region' }),
  from: z
    .string()
    .trim()
    .refine((value) => numericSender.test(value) || alphanumericSender.test(value), {
      message:
        '"from" is a number from this service plan in international form (e.g. +12025550134), a short code, or an alphanumeric sender of at most 11 letters, digits and spaces',
    })
    .describe('Sender: a number or short code assigned to the service plan, or an alphanumeric sender ID.')
    .meta({ title: 'From (number or sender ID)' }),
  templates: textTemplatesField(maxBodyLength),
  endpoint: endpointField("Base URL of the SMS REST API. Default: the region's https://{region}.sms.api.sinch.com."),
  timeoutMs: timeoutField(),
});

export type SinchSmsConfig = z.output<typeof configSchema>;

export const configTemplate = {
  servicePlanId: '<Service plan ID>',
  apiToken: '<API token>',
  region: defaultRegion,
  from: '+12025550134',
  templates: defaultTemplates,
};
