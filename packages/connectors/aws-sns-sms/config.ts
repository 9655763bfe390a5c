import {
  defaultSmsTemplates,
  endpointField,
  secret,
  textTemplatesField,
  timeoutField,
  z,
} from '@passline/connector-kit';

export { defaultProviderTimeoutMs as defaultTimeoutMs } from '@passline/connector-kit';

/** `us-east-1`, `eu-central-2`, `ap-southeast-4`, `us-gov-west-1`, `cn-north-1` ... */
export const regionPattern = /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

/** The Query API host of the region; the China regions live under amazonaws.com.cn. */
export function regionEndpoint(region: string): string {
  return `https://sns.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}/`;
}

/** SNS refuses a single SMS publish larger than 1600 bytes; templates are held to that many characters. */
export const maxBodyLength = 1600;

export const smsTypes = ['Transactional', 'Promotional'] as const;
export type SmsType = (typeof smsTypes)[number];

// AWS: up to 11 letters and digits, at least one letter, no spaces.
const senderIdPattern = /^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$/;
const e164 = /^\+[1-9]\d{1,14}$/;

export const defaultTemplates = defaultSmsTemplates;

export const configSchema = z.strictObject({
  accessKeyId: z
    .string()
    .trim()
    .regex(
      /^[A-Z0-9]{16,128}$/,
      'the access key ID is the upper-case letters and digits shown next to the key in IAM, e.g. AKIAIOSFODNN7EXAMPLE',
    )
    .describe('Access key ID of the IAM user (or role session) allowed sns:Publish, e.g. AKIAIOSFODNN7EXAMPLE.')
    .meta({ title: 'Access key ID' }),
  secretAccessKey: secret(
    z
      .string()
      .trim()
      .min(1, 'the secret access key is required')
      .describe('Secret access key shown once when the access key was created.'),
  ).meta({ title: 'Secret access key' }),
  sessionToken: secret(
    z
      .string()
      .trim()
      .min(1, 'leave the session token out rather than empty')
      .optional()
      .describe(
        'Only for temporary credentials (access key IDs starting with ASIA): the session token that came with them.',
      ),
  ).meta({ title: 'Session token' }),
  region: z
    .string()
    .trim()
    .regex(regionPattern, 'the region is an AWS region code such as us-east-1 or eu-west-1, one where SNS sends SMS')
    .describe('AWS region to send from, e.g. us-east-1. SMS settings, sandbox and spend limit are per region.')
    .meta({ title: 'Region' }),
  senderId: z
    .string()
    .trim()
    .regex(senderIdPattern, 'the sender ID is 1 to 11 letters and digits, at least one of them a letter, no spaces')
    .optional()
    .describe('Alphanumeric sender ID shown as the sender where the country allows it (registered first in some).')
    .meta({ title: 'Sender ID' }),
  originationNumber: z
    .string()
    .trim()
    .regex(e164, 'the origination number is a number of this AWS account in E.164 form, e.g. +12065550100')
    .optional()
    .describe('A long code, toll-free number or 10DLC number of the account to send from, in E.164 form.')
    .meta({ title: 'Origination number' }),
  smsType: z
    .enum(smsTypes, { error: 'the SMS type is Transactional or Promotional' })
    .default('Transactional')
    .describe('Transactional (default: the route for one-time codes) or Promotional (cheaper, may be delayed).')
    .meta({ title: 'SMS type' }),
  templates: textTemplatesField(maxBodyLength),
  endpoint: endpointField("Base URL of the SNS Query API. Default: the region's https://sns.{region}.amazonaws.com/."),
  timeoutMs: timeoutField(),
});

export type AwsSnsSmsConfig = z.output<typeof configSchema>;

export const configTemplate = {
  accessKeyId: '<Access key ID>',
  secretAccessKey: '<Secret access key>',
  region: 'us-east-1',
  smsType: 'Transactional',
  templates: defaultTemplates,
};
