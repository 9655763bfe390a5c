import { randomBytes } from 'node:crypto';
import { defaultSmsTemplates, findTemplate, renderTemplate, type SendMessageInput } from '@passline/connector-kit';
import { Webhook } from 'standardwebhooks';
import type { HttpSmsConfig } from './config.ts';

/**
 * The JSON body the endpoint receives. `to`, `type` and `payload` are the body Logto's HTTP SMS
 * connector sends, so a receiver written for it reads this one unchanged; `text` is Passline's
 * addition, present only when the config has templates.
 */
export interface HttpSmsRequestBody {
  /** E.164 number, e.g. "+14155550123". */
  to: string;
  /** The usage: Register, SignIn, ForgotPassword, Generic, PhoneChanged, ... */
  type: string;
  /** `code` and `expiresInMinutes` for a code (none for a notice), and `locale` when known. */
  payload: Record<string, string>;
  /** The rendered message, when templates are configured. */
  text?: string;
}

export function requestBody(input: SendMessageInput, config: HttpSmsConfig): HttpSmsRequestBody {
  const payload: Record<string, string> = { ...input.payload };
  if (input.locale !== undefined) payload.locale = input.locale;
  const body: HttpSmsRequestBody = { to: input.to, type: input.usage, payload };
  if (config.templates) {
    // Defaults stand in for a notice the admin's templates lack, as in every connector with texts.
    const template = findTemplate(config.templates, input.usage, defaultSmsTemplates, input.locale);
    body.text = renderTemplate(template.content, input.payload);
  }
  return body;
}

/**
 * The Standard Webhooks headers for one request: a fresh id (the receiver's key for dropping a
 * repeat), the time in whole seconds, and the signature over exactly the body that is sent.
 */
export function signatureHeaders(signingSecret: string, body: string, now = new Date()): Record<string, string> {
  const id = `msg_${randomBytes(16).toString('base64url')}`;
  const seconds = Math.floor(now.getTime() / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(seconds),
    // Signed with the same whole-second time the header states, or verification fails.
    'webhook-signature': new Webhook(signingSecret).sign(id, new Date(seconds * 1000), body),
  };
}
