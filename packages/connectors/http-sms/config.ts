import { secret, templatesSchema, timeoutField, z } from '@passline/connector-kit';
import { Webhook } from 'standardwebhooks';

export { defaultProviderTimeoutMs as defaultTimeoutMs } from '@passline/connector-kit';

/**
 * Hosts that may be reached over plain http: this machine and private networks (a gateway beside
 * Passline in the same Docker network or Kubernetes namespace is usually plain http). The request
 * carries the code, the Authorization header and the signature, so across the internet it must be
 * encrypted on the way.
 */
export const loopbackHosts = ['localhost', '127.0.0.1', '[::1]'] as const;
const privateSuffixes = ['.localhost', '.local', '.internal', '.lan', '.home.arpa', '.svc', '.cluster.local'];
const privateIpv4 = /^(10|127)\.\d+\.\d+\.\d+$|^192\.168\.\d+\.\d+$|^172\.(1[6-9]|2\d|3[01])\.\d+\.\d+$/;

/** Loopback, RFC 1918 / unique-local addresses, single-label names (container and service names) and private suffixes. */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if ((loopbackHosts as readonly string[]).includes(host) || privateIpv4.test(host)) return true;
  if (host.startsWith('[')) return /^\[f[cd][0-9a-f]{2}:/.test(host);
  if (!host.includes('.')) return true;
  return privateSuffixes.some((suffix) => host.endsWith(suffix));
}

/** Longest text template: ten concatenated SMS parts, more than any code message needs. */
export const maxTextLength = 1600;

// A header value: visible ASCII and spaces, never a line break that would start another header.
const headerValue = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/;
// Standard Webhooks secrets are "whsec_" and the base64 of the key (24 to 64 bytes in practice).
const signingSecretShape = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

const malformedSecret =
  'the signing secret is a Standard Webhooks secret: "whsec_" followed by the base64 of at least 16 random bytes (make one with: openssl rand -base64 32, and put whsec_ in front)';

const endpoint = z
  .url({ protocol: /^https?$/, error: 'the endpoint must be an http(s) URL, e.g. https://sms.example.com/send' })
  .superRefine((value, context) => {
    // Runs after a failed URL check too; that one has already said what is wrong.
    if (!URL.canParse(value)) return;
    const url = new URL(value);
    if (url.username || url.password) {
      context.addIssue({
        code: 'custom',
        message: 'the endpoint must not carry a user or password; put the credentials in "authorization"',
      });
    }
    if (url.protocol === 'http:' && !isPrivateHost(url.hostname)) {
      context.addIssue({
        code: 'custom',
        message:
          'the endpoint must use https (plain http only for this machine and private networks: localhost, 10.x, 172.16-31.x, 192.168.x, single-label names such as sms-gateway, *.internal, *.local, *.svc): the request carries the code and your Authorization header across the network',
      });
    }
  })
  .describe('URL Passline POSTs each message to, e.g. https://sms.example.com/send.')
  .meta({ title: 'Endpoint' });

const authorization = secret(
  z
    .string()
    .trim()
    .max(4096, 'the Authorization header value is at most 4096 characters')
    .regex(headerValue, 'the Authorization header value is one line of visible ASCII, e.g. "Bearer <token>"')
    .describe('The whole Authorization header sent with each request, e.g. "Bearer <token>" or "Basic <base64>".'),
)
  .optional()
  .meta({ title: 'Authorization header' });

const signingSecret = secret(
  z
    .string()
    .trim()
    // One message for a malformed secret: the length check below only speaks for a well-formed one.
    .regex(signingSecretShape, { message: malformedSecret, abort: true })
    .refine(decodesToKey, { message: malformedSecret })
    .describe(
      'Standard Webhooks secret (whsec_...): when set, every request carries webhook-id, webhook-timestamp and webhook-signature.',
    ),
)
  .optional()
  .meta({ title: 'Signing secret' });

/**
 * Optional texts. Without them the receiver gets the code and renders the message itself, as with
 * Logto's HTTP SMS connector; with them each request also carries the rendered `text`, for a
 * receiver that only forwards a text to a gateway.
 */
const templates = templatesSchema(
  {
    content: z
      .string()
      .min(1)
      .max(maxTextLength)
      .describe('Message text; {{code}} is the verification code, {{expiresInMinutes}} its lifetime.'),
  },
  { textField: 'content' },
)
  .optional()
  .describe('Optional message texts, one per usage: when set, the request carries the rendered "text" too.')
  .meta({ title: 'Templates (optional)' });

export const configSchema = z.strictObject({
  endpoint,
  authorization,
  signingSecret,
  templates,
  timeoutMs: timeoutField(),
});

export type HttpSmsConfig = z.output<typeof configSchema>;

export const configTemplate = {
  endpoint: 'https://sms.example.com/send',
  authorization: 'Bearer <token your endpoint checks>',
  signingSecret: 'whsec_<base64 secret shared with your endpoint>',
};

/** Whether the library takes the secret and it is long enough to be worth signing with. */
function decodesToKey(value: string): boolean {
  try {
    new Webhook(value);
  } catch {
    return false;
  }
  return Buffer.from(value.slice('whsec_'.length), 'base64').length >= 16;
}
