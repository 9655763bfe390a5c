import type { ApiError } from '@passline/contracts';

/** A wait in the unit a person reads best. */
export function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.ceil(seconds / 60);
  return minutes < 90 ? `${minutes} min` : `${Math.ceil(minutes / 60)} h`;
}

/** What to tell an end user about a failed request: plain words, never the server's code. */
export function messageFor(error: ApiError): string {
  const wait = error.retryAfterSeconds ? formatWait(error.retryAfterSeconds) : 'a little while';
  switch (error.code) {
    case 'phone.invalid':
      return 'That does not look like a valid phone number. Check the country and the number.';
    case 'verification.code_mismatch': {
      const left = error.body.details?.remainingAttempts;
      if (typeof left === 'number' && left > 0)
        return `That code is not right. ${left} ${left === 1 ? 'try' : 'tries'} left.`;
      return 'That code is not right, and that was the last try. Send a new code.';
    }
    case 'verification.expired':
      return 'This code has expired. Send a new code.';
    case 'verification.too_many_attempts':
      return 'Too many wrong tries for this code. Send a new code.';
    case 'verification.cancelled':
      return 'This code was replaced by a newer one. Enter the latest code, or send a new one.';
    case 'verification.already_used':
    case 'verification.not_found':
      return 'This code can no longer be used. Send a new code.';
    case 'rate_limit.resend_cooldown':
      return `A code was just sent to this number. You can ask for a new one in ${wait}.`;
    case 'rate_limit.phone':
      return `Too many codes were sent to this number. Try again in ${wait}.`;
    case 'rate_limit.ip':
      return `Too many codes were requested from your network. Try again in ${wait}.`;
    case 'rate_limit.password_attempts':
      return `Too many password attempts. Try again in ${wait}, or sign in with a code.`;
    case 'experience.invalid_credentials':
      return 'The phone number or the password is wrong.';
    case 'account.phone_taken':
      return 'This number already has an account. Sign in instead.';
    case 'account.not_found':
      return 'There is no account with this number yet. Create one first.';
    case 'account.phone_unavailable':
      return 'This number cannot be linked to your account.';
    case 'account.reauthentication_required':
      return 'For your security, confirm it is you before changing your number.';
    case 'account.suspended':
      return 'This account is suspended. Contact the service you are signing in to.';
    case 'oidc.interaction_expired':
      return 'This sign-in has expired. Go back to the application and sign in again.';
    case 'experience.registration_disabled':
      return 'Creating new accounts is turned off.';
    case 'experience.phone_sign_in_disabled':
      return 'Signing in with a code is turned off. Sign in with your password.';
    case 'experience.password_disabled':
      return 'Passwords are turned off.';
    case 'request.invalid':
      if (error.issues.some((issue) => issue.path.includes('password'))) {
        return 'Choose a password of at least 8 characters.';
      }
      return 'Check what you typed and try again.';
    case 'fraud.challenge_required':
    case 'fraud.challenge_failed':
      return 'We could not confirm that this request comes from a person. Reload the page and try again.';
    case 'connector.none_active':
    case 'delivery.rejected':
    case 'delivery.provider_unavailable':
    case 'delivery.timeout':
    case 'delivery.rate_limited':
      return 'We cannot send text messages right now. Please try again later.';
    case 'network':
      return 'Cannot reach the server. Check your connection and try again.';
    default:
      return 'Something went wrong. Please try again.';
  }
}
