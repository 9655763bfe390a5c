import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { z } from 'zod';
import { AppError, type ErrorCode } from '../errors.ts';
import { relayedCodeSchema } from './relayed-code.ts';

/**
 * Supabase Auth's Send SMS hook: `{ user, sms: { otp } }`, signed with Standard Webhooks
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature`). Only the number and the code are read;
 * the rest of the user object is Supabase's business.
 */
export const supabaseSendSmsSchema = z.object({
  user: z.looseObject({ phone: z.string().min(1).max(40) }),
  sms: z.looseObject({ otp: relayedCodeSchema }),
});
export type SupabaseSendSms = z.infer<typeof supabaseSendSmsSchema>;

/** Supabase shows `v1,whsec_<base64>`; the library takes `whsec_<base64>`. */
export function normaliseHookSecret(secret: string): string {
  return secret.trim().replace(/^v1,/, '');
}

/** Whether the library can use the secret (its base64 decodes to some bytes). */
export function hookSecretUsable(secret: string): boolean {
  try {
    new Webhook(normaliseHookSecret(secret));
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks the signature over the exact bytes received, and the timestamp (at most 5 minutes off,
 * which keeps a captured call from being replayed later). The library compares in constant time.
 */
export function verifyHookSignature(secret: string, rawBody: string, headers: Record<string, unknown>): void {
  const header = (name: string) => (typeof headers[name] === 'string' ? (headers[name] as string) : '');
  try {
    new Webhook(normaliseHookSecret(secret)).verify(
      rawBody,
      {
        'webhook-id': header('webhook-id'),
        'webhook-timestamp': header('webhook-timestamp'),
        'webhook-signature': header('webhook-signature'),
      },
      { jsonParse: false },
    );
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    throw new AppError('integration.signature_invalid', signatureMessage(error.message), undefined, undefined, {
      cause: error,
    });
  }
}

/**
 * Checked before the secret is read, so a call that is not even signed gets the same 401 whether
 * or not a secret is set.
 */
export function requireSignatureHeaders(headers: Record<string, unknown>): void {
  const present = (name: string) => typeof headers[name] === 'string' && headers[name] !== '';
  if (!present('webhook-id') || !present('webhook-timestamp') || !present('webhook-signature')) {
    throw new AppError('integration.signature_invalid', signatureMessage('Missing required headers'));
  }
}

function signatureMessage(reason: string): string {
  if (reason === 'Missing required headers') {
    return 'The webhook-id, webhook-timestamp and webhook-signature headers are required (Standard Webhooks).';
  }
  if (reason.startsWith('Message timestamp')) {
    return 'The webhook-timestamp is more than 5 minutes off; nothing was sent.';
  }
  return 'The webhook signature does not match the hook secret set in Passline; paste the secret Supabase shows again.';
}

/**
 * The error Supabase reads: `{ error: { http_code, message } }`, with Passline's stable `code` next
 * to them (Supabase ignores it; logs and people can match on it).
 */
export interface HookErrorBody {
  error: { http_code: number; message: string; code: ErrorCode; details?: Record<string, unknown>; requestId?: string };
}

export function hookErrorBody(error: AppError, requestId?: string): HookErrorBody {
  return {
    error: {
      http_code: error.status,
      message: error.message,
      code: error.code,
      ...(error.details ? { details: error.details } : {}),
      ...(requestId ? { requestId } : {}),
    },
  };
}
