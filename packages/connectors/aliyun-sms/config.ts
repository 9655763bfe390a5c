import { endpointField, requiredUsageTypes, secret, templatesSchema, timeoutField, z } from '@passline/connector-kit';

export const defaultEndpoint = 'https://dysmsapi.aliyuncs.com';
export const internationalEndpoint = 'https://dysmsapi.ap-southeast-1.aliyuncs.com';

// A real template code is `SMS_` and digits; checking the prefix catches the common mistake of
// pasting the template's text or name instead of its code.
const code = z
  .string()
  .trim()
  .regex(/^SMS_[A-Za-z0-9_]+$/, 'a template code looks like SMS_154950909 (the code, not the template text)');

const templateCodeSchema = z
  .union([
    code,
    z.strictObject({
      china: code.describe('Code of the template approved for mainland China numbers.'),
      overseas: code.describe('Code of the international / Hong Kong, Macao, Taiwan template.'),
    }),
  ])
  .describe('One template code, or one for mainland China numbers and one for all other numbers.');

export type TemplateCode = z.infer<typeof templateCodeSchema>;

// Aliyun keeps the texts, so there is no default to fill in: say what to add instead.
const missingTemplatesMessage = `add "templates": Aliyun keeps the message texts, so Passline has no default. Give one entry per usage ${requiredUsageTypes.join(', ')}, each with the code of a template approved in the Aliyun SMS console (Templates, type "verification code", using \${code}), for example ${JSON.stringify(
  requiredUsageTypes.map((usageType, index) => ({ usageType, templateCode: `SMS_15495090${index + 1}` })),
)}`;

export const configSchema = z.strictObject({
  accessKeyId: z
    .string()
    .trim()
    .min(1)
    .describe('AccessKey ID of a RAM user allowed to send SMS.')
    .meta({ title: 'AccessKey ID' }),
  accessKeySecret: secret(z.string().trim().min(1).describe('AccessKey secret of that RAM user.')).meta({
    title: 'AccessKey secret',
  }),
  signName: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .describe('The approved signature name, exactly as in the console.')
    .meta({ title: 'Sign name' }),
  templates: templatesSchema({ templateCode: templateCodeSchema }, { missingMessage: missingTemplatesMessage })
    .describe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${code} is Aliyun's template variable syntax.
      'One template per usage. The template approved at Aliyun must use the variable ${code}.',
    )
    .meta({ title: 'Templates' }),
  endpoint: endpointField(
    `Base URL of the API. Default ${defaultEndpoint}; ${internationalEndpoint} for the international site; a simulator or proxy otherwise.`,
  ),
  timeoutMs: timeoutField(),
  signatureVersion: z
    .enum(['v1', 'acs3'])
    .default('acs3')
    .describe('acs3 (ACS3-HMAC-SHA256, current) or v1 (HMAC-SHA1 RPC signature, for older gateways and proxies).')
    .meta({ title: 'Signature version' }),
});

export type AliyunSmsConfig = z.output<typeof configSchema>;

/** A starting point for the form: the codes are placeholders the admin replaces with their own. */
export const configTemplate = {
  accessKeyId: 'LTAI5t...',
  accessKeySecret: '',
  signName: 'YourSignName',
  templates: [
    { usageType: 'Register', templateCode: 'SMS_000000001' },
    { usageType: 'SignIn', templateCode: 'SMS_000000002' },
    { usageType: 'ForgotPassword', templateCode: 'SMS_000000003' },
    { usageType: 'Generic', templateCode: { china: 'SMS_000000004', overseas: 'SMS_000000005' } },
  ],
  endpoint: defaultEndpoint,
  signatureVersion: 'acs3',
};
