import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A secret as the Supabase dashboard shows it. */
export const supabaseSecret = () => `v1,whsec_${randomBytes(32).toString('base64')}`;

/** Supabase's call: the body signed the Standard Webhooks way, as Supabase Auth signs it. */
export function signedHookCall(secret: string, body: unknown, sentAt = new Date()) {
  const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
  const id = `msg_${randomBytes(8).toString('hex')}`;
  return {
    rawBody,
    headers: {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
      'webhook-signature': new Webhook(secret.replace(/^v1,/, '')).sign(id, sentAt, rawBody),
    },
  };
}

export const sendSmsPayload = (phone: string, otp: string) => ({
  user: {
    id: '6481a5c1-3d37-4a56-9f6a-bee08c554965',
    aud: 'authenticated',
    role: 'authenticated',
    email: '',
    phone,
    app_metadata: { provider: 'phone', providers: ['phone'] },
    user_metadata: {},
  },
  sms: { otp },
});
