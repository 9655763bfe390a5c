// The password step: a new password (registration, reset) or the current one (re-authentication).
import { noContentSchema, tokenSetSchema } from '@passline/contracts';
import { finishReauthentication } from './account-page.ts';
import { api, authed, clearTokens } from './client.ts';
import { $, busy, clearMessages, form, input, show, showError, showStatus } from './dom.ts';
import { messageFor } from './messages.ts';
import { flow, state } from './page-state.ts';
import { completeSignIn } from './sign-in.ts';

export async function onPasswordSubmit(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  clearMessages();
  const password = input('new-password').value;
  if (flow === 'account') {
    // The account page asks for the current password only, to re-authenticate.
    if (!password) {
      showError('Enter your password.');
      input('new-password').focus();
      return;
    }
    await busy(form('password-step'), async () => {
      await finishReauthentication(await authed('POST', '/api/account/reauthentication', tokenSetSchema, { password }));
    });
    return;
  }
  if (password.length > 0 && password.length < 8) {
    showError('Choose a password of at least 8 characters.');
    input('new-password').focus();
    return;
  }
  await busy(form('password-step'), async () => {
    const verificationId = state.verificationId;
    if (flow === 'register') {
      const body = password ? { verificationId, password } : { verificationId };
      await completeSignIn('register', body);
      return;
    }
    if (!password) {
      showError('Enter a new password.');
      input('new-password').focus();
      return;
    }
    const result = await api('POST', '/api/experience/reset-password', noContentSchema, { verificationId, password });
    if (!result.ok) {
      showError(messageFor(result.error));
      return;
    }
    clearTokens();
    $('done-text').textContent =
      'Your password was changed, and you were signed out everywhere. Sign in with your new password.';
    const links = document.querySelector<HTMLElement>('nav.links');
    if (links) links.hidden = true;
    show('done');
    showStatus('Password changed.');
  });
}
