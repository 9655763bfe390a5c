import { AppError } from '../../errors.ts';

// Server-side CAPTCHA verification. Cloudflare Turnstile, hCaptcha and Google reCAPTCHA share one
// protocol: POST application/x-www-form-urlencoded `secret`, `response` (the widget's token) and
// optionally `remoteip`; the JSON answer says `success: true` or false with `error-codes`. Each
// token is good once: the providers refuse a second use themselves (`timeout-or-duplicate`).

export type CaptchaProvider = 'turnstile' | 'hcaptcha' | 'recaptcha';

export const captchaProviders: Record<CaptchaProvider, { name: string; siteverifyUrl: string }> = {
  turnstile: {
    name: 'Cloudflare Turnstile',
    siteverifyUrl: 'https://challenges.cloudflare.com/turnstile/v0/siteverify',
  },
  hcaptcha: { name: 'hCaptcha', siteverifyUrl: 'https://api.hcaptcha.com/siteverify' },
  recaptcha: { name: 'Google reCAPTCHA', siteverifyUrl: 'https://www.google.com/recaptcha/api/siteverify' },
};

export const defaultCaptchaTimeoutMs = 5_000;
/** Turnstile documents 2048 characters; hCaptcha's and reCAPTCHA's tokens are shorter. */
const maxTokenLength = 8_192;
const retryAfterSeconds = 5;

export interface SiteverifyRequest {
  provider: CaptchaProvider;
  secret: string;
  token: string;
  clientIp: string | undefined;
  /** The settings' `challengeSiteverifyUrl`; null for the provider's own. */
  url: string | null;
  timeoutMs: number;
  fetch: typeof fetch;
}

/**
 * Resolves when the provider accepts the token. Throws AppError('fraud.challenge_failed') when it
 * refuses it, and AppError('service.unavailable') when it cannot say (timeout, network error, an
 * error status, an answer that is not its JSON): a send must not go through unchecked. The secret is
 * only ever in the request body, never in a message or a logged cause.
 */
export async function siteverify(request: SiteverifyRequest): Promise<void> {
  const provider = captchaProviders[request.provider];
  if (request.token.length > maxTokenLength) {
    throw new AppError('fraud.challenge_failed', undefined, undefined, undefined, { cause: 'token too long' });
  }
  const unavailable = (what: string, cause?: unknown) =>
    new AppError(
      'service.unavailable',
      `The CAPTCHA cannot be checked right now: ${provider.name} ${what}. Try again in ${retryAfterSeconds} s.`,
      undefined,
      retryAfterSeconds,
      // For the server log: the error's own message only (a fetch error names the URL, never the body).
      cause === undefined ? undefined : { cause: cause instanceof Error ? cause.message : String(cause) },
    );

  const form = new URLSearchParams({ secret: request.secret, response: request.token });
  if (request.clientIp) form.set('remoteip', request.clientIp);
  const signal = AbortSignal.timeout(request.timeoutMs);
  let answer: unknown;
  try {
    const response = await request.fetch(request.url ?? provider.siteverifyUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      signal,
    });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw unavailable(`answered HTTP ${response.status}`);
    }
    answer = await response.json();
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (signal.aborted) throw unavailable(`did not answer within ${request.timeoutMs / 1000} s`, error);
    if (error instanceof SyntaxError) throw unavailable('answered something that is not JSON', error);
    throw unavailable('cannot be reached', error);
  }

  if (typeof answer !== 'object' || answer === null || typeof (answer as { success?: unknown }).success !== 'boolean') {
    throw unavailable('answered without a `success` field');
  }
  if ((answer as { success: boolean }).success !== true) {
    const rawCodes = (answer as { 'error-codes'?: unknown })['error-codes'];
    const codes = Array.isArray(rawCodes) ? rawCodes.map(String) : [];
    // A refused secret is the deployment's mistake, not the user's: no token would ever pass.
    if (codes.includes('invalid-input-secret') || codes.includes('missing-input-secret')) {
      throw new AppError(
        'settings.invalid',
        `${provider.name} does not accept PASSLINE_CHALLENGE_SECRET (${codes.join(', ')}): set it to the secret key of the site key in the protection settings.`,
      );
    }
    throw new AppError('fraud.challenge_failed', undefined, undefined, undefined, {
      cause: `${provider.name} refused the token: ${codes.join(', ') || 'no error codes'}`,
    });
  }
}
