import { $, busy, button, clearMessages, countdown, form, input, show, showError } from './dom.ts';
import { flow, state } from './page-state.ts';
import { fullNumber } from './phone-number.ts';
import { sendCode } from './send-code.ts';
import { completeSignIn } from './sign-in.ts';

export async function onPhoneSubmit(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  clearMessages();
  if (!input('phone').value.trim()) {
    showError('Enter your phone number.');
    input('phone').focus();
    return;
  }
  state.phone = fullNumber();
  await busy(form('phone-step'), async () => {
    if (flow === 'sign-in' && state.mode === 'password') {
      const password = input('password').value;
      if (!password) {
        showError('Enter your password.');
        input('password').focus();
        return;
      }
      const result = await completeSignIn('sign-in/password', { phone: state.phone, password });
      if (!result.ok && result.error.status === 429 && result.error.retryAfterSeconds) {
        countdown(button('phone-submit'), result.error.retryAfterSeconds, 'Sign in');
      }
      return;
    }
    await sendCode(button('phone-submit'), 'Send code');
  });
}

export function startChangingNumber(): void {
  if (flow === 'account') {
    state.purpose = 'link';
    state.afterReauth = null;
    $('reauth-password').hidden = true;
    $('lead').textContent = 'Enter the new number. We will text it a code.';
  }
  show('phone-step');
}
