import { endpointField, requiredUsageTypes, secret, templatesSchema, timeoutField, z } from '@passline/connector-kit';

export const defaultEndpoint = 'https://sms.tencentcloudapi.com';
export const defaultRegion = 'ap-guangzhou';
/**
 * Payload variables a template parameter may name (the kit's list: `code`, and `expiresInMinutes`).
 * The kit's `templatesSchema` refuses any other name when the config is saved, rather than when the
 * first user waits for a code.
 */
export {
  defaultProviderTimeoutMs as defaultTimeoutMs,
  templateVariableNames as templateVariables,
} from '@passline/connector-kit';
export const defaultParams = ['code'];

// Tencent keeps the texts, so there is no default to fill in: say what to add instead.
const missingTemplatesMessage = `add "templates": Tencent keeps the message texts, so Passline has no default. Give one entry per usage ${requiredUsageTypes.join(', ')}, each with the numeric ID of a template approved in the Tencent SMS console (Body templates, type "verification code"), for example ${JSON.stringify(
  requiredUsageTypes.map((usageType, index) => ({ usageType, templateCode: `100000${index + 1}` })),
)}`;

const params = z
  .array(z.string())
  .max(10)
  .describe(
    'Payload variables filling the template placeholders in order: the first fills {1}, the second {2} ... Default ["code"].',
  );

export const configSchema = z.strictObject({
  accessKeyId: z
    .string()
    .trim()
    .min(1)
    .describe('SecretId of a Tencent Cloud API key (CAM console > API keys), e.g. AKID...')
    .meta({ title: 'SecretId' }),
  accessKeySecret: secret(z.string().trim().min(1).describe('SecretKey of the same API key.')).meta({
    title: 'SecretKey',
  }),
  sdkAppId: z
    .string()
    .trim()
    .regex(/^\d+$/, 'the SdkAppId is the numeric application ID from the SMS console, e.g. 1400006666')
    .describe('SMS application SdkAppId (SMS console > Application management), e.g. 1400006666.')
    .meta({ title: 'SmsSdkAppId' }),
  signName: z
    .string()
    .trim()
    .min(1)
    .describe('Approved SMS signature (sign name) content, exactly as approved in the SMS console.')
    .meta({ title: 'Sign name' }),
  region: z
    .string()
    .trim()
    .regex(/^[a-z]{2,}(-[a-z0-9]+)+$/, 'a region is a Tencent Cloud region id such as ap-guangzhou')
    .default(defaultRegion)
    .describe('Tencent Cloud region sent as X-TC-Region. Default ap-guangzhou.')
    .meta({ title: 'Region' }),
  templates: templatesSchema(
    {
      templateCode: z
        .string()
        .trim()
        .regex(/^\d+$/, 'the template code is the numeric template ID from the SMS console, e.g. "1110"')
        .describe('Numeric ID of an approved body template.'),
      params: params.optional(),
    },
    { variablesField: 'params', missingMessage: missingTemplatesMessage },
  )
    .describe('One approved template per usage.')
    .meta({ title: 'Templates' }),
  endpoint: endpointField(`Base URL of the Tencent Cloud API. Default ${defaultEndpoint}.`),
  timeoutMs: timeoutField(),
});

export type TencentSmsConfig = z.output<typeof configSchema>;

export const defaultTemplates = [
  { usageType: 'Register', templateCode: '1000001', params: ['code'] },
  { usageType: 'SignIn', templateCode: '1000002', params: ['code'] },
  { usageType: 'ForgotPassword', templateCode: '1000003', params: ['code'] },
  { usageType: 'Generic', templateCode: '1000004', params: ['code'] },
];

export const configTemplate = {
  accessKeyId: 'AKIDxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  accessKeySecret: '<SecretKey>',
  sdkAppId: '1400000000',
  signName: '<approved sign name>',
  region: defaultRegion,
  templates: defaultTemplates,
};
