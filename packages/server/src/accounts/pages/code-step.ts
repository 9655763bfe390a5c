// The code step: the code field (typed, pasted or auto-submitted at full length) and what a
// checked code leads to in each flow.
import { tokenSetSchema, verifiedCodeSchema } from '@passline/contracts';
import { finishReauthentication, linkPhone } from './account-page.ts';
import { api, authed } from './client.ts';
import { $, busy, button, clearMessages, form, input, show, showError } from './dom.ts';
import { messageFor } from './messages.ts';
import { flow, settings, state } from './page-state.ts';
import { completeSignIn } from './sign-in.ts';

export async function onCodeSubmit(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const code = input('code').value;
  // The field submits itself at full length; Enter or Continue on the same digits would spend a
  // second attempt on a code the server already refused. Say again what it said instead.
  const answered = state.triedCodes.get(code);
  if (answered !== undefined) {
    showError(answered);
    input('code').select();
    return;
  }
  if (state.busy) return;
  clearMessages();
  if (code.length < 4) {
    showError('Enter the code from the text message.');
    input('code').focus();
    return;
  }
  await busy(form('code-step'), async () => {
    const verified = await api('POST', '/api/experience/verification-code/verify', verifiedCodeSchema, {
      verificationId: state.verificationId,
      code,
    });
    if (!verified.ok) {
      const message = messageFor(verified.error);
      // Only a checked code is remembered: after a network or server error the same code may be tried again.
      if (verified.error.status >= 400 && verified.error.status < 500) state.triedCodes.set(code, message);
      showError(message);
      input('code').select();
      return;
    }
    const verificationId = state.verificationId;
    if (flow === 'sign-in') {
      await completeSignIn('sign-in', { verificationId });
    } else if (flow === 'register') {
      if (settings.password) {
        $('new-password-label').textContent = 'Choose a password (optional)';
        $('new-password-hint').textContent = 'At least 8 characters. Leave empty to always sign in with a code.';
        button('password-submit').textContent = 'Create account';
        show('password-step');
      } else {
        await completeSignIn('register', { verificationId });
      }
    } else if (flow === 'forgot-password') {
      $('new-password-label').textContent = 'New password';
      button('password-submit').textContent = 'Save new password';
      input('new-password').required = true;
      show('password-step');
    } else if (state.purpose === 'reauth') {
      await finishReauthentication(
        await authed('POST', '/api/account/reauthentication', tokenSetSchema, { verificationId }),
      );
    } else {
      await linkPhone(verificationId);
    }
  });
}

export function onCodeInput(): void {
  const field = input('code');
  const digits = field.value.replace(/\D/g, '').slice(0, settings.codeLength);
  if (digits !== field.value) field.value = digits;
  if (digits.length === settings.codeLength && !state.busy) form('code-step').requestSubmit();
}

/** A pasted message ("Your code is 123 456.") keeps its digits only. */
export function onCodePaste(event: ClipboardEvent): void {
  const text = event.clipboardData?.getData('text') ?? '';
  event.preventDefault();
  input('code').value = text.replace(/\D/g, '').slice(0, settings.codeLength);
  onCodeInput();
}
