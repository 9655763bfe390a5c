// Sending a verification code, for every flow; and re-authentication on the account page, which
// starts with a code to the current number.
import { sentCodeSchema } from '@passline/contracts';
import { withChallenge } from './challenge.ts';
import { api, authed } from './client.ts';
import { $, button, clearMessages, countdown, input, show, showError, showStatus } from './dom.ts';
import { messageFor } from './messages.ts';
import { eventOf, flow, settings, state } from './page-state.ts';
import { formatPhone } from './phone-number.ts';

function requestCode() {
  if (flow === 'sign-in' || flow === 'register' || flow === 'forgot-password') {
    const event = eventOf[flow];
    return withChallenge((challenge) =>
      api('POST', '/api/experience/verification-code', sentCodeSchema, { phone: state.phone, event, challenge }),
    );
  }
  if (state.purpose === 'reauth') {
    return authed('POST', '/api/account/reauthentication/verification-code', sentCodeSchema, {});
  }
  return authed('POST', '/api/account/phone/verification-code', sentCodeSchema, { phone: state.phone });
}

export async function sendCode(target: HTMLButtonElement, label: string, { resend = false } = {}): Promise<boolean> {
  const result = await requestCode();
  if (!result.ok) {
    if (result.error.code === 'account.reauthentication_required') {
      return reauthenticate(() => sendCode(button('resend'), 'Resend code'));
    }
    showError(messageFor(result.error));
    if (result.error.status === 429 && result.error.retryAfterSeconds) {
      countdown(target, result.error.retryAfterSeconds, label);
    }
    return false;
  }
  state.verificationId = result.data.verificationId;
  state.triedCodes = new Map();
  const sentTo = flow === 'account' && state.purpose === 'reauth' ? state.account.phone : state.phone;
  // The step itself says where the code went; the status line does not repeat the number.
  $('code-target').textContent = formatPhone(sentTo);
  input('code').value = '';
  show('code-step');
  if (resend) showStatus('We sent a new code.');
  else clearMessages();
  if (settings.resendCooldown > 0) countdown(button('resend'), settings.resendCooldown, 'Resend code');
  return true;
}

/**
 * Changing the number needs a recent sign-in: the server says so with
 * account.reauthentication_required. The page then proves the user again (a code to the current
 * number, or the password) and resumes with `then`.
 */
export function reauthenticate(then: () => Promise<unknown>): Promise<boolean> {
  state.purpose = 'reauth';
  state.afterReauth = then;
  $('lead').textContent = 'For your security, first confirm it is you with a code sent to your current number.';
  $('reauth-password').hidden = !(settings.password && state.account.hasPassword);
  return sendCode(button('resend'), 'Resend code');
}
