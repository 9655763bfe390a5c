// The account page: the signed-in number, changing it (after re-authenticating), signing out.
import { accountSchema, noContentSchema, phoneChangedSchema, type TokenSet } from '@passline/contracts';
import { api, authed, clearTokens, loadTokens, type Result, saveTokens } from './client.ts';
import { $, show, showError, showStatus } from './dom.ts';
import { messageFor } from './messages.ts';
import { state } from './page-state.ts';
import { reauthenticate } from './send-code.ts';

export async function finishReauthentication(result: Result<TokenSet>): Promise<void> {
  if (!result.ok) {
    showError(messageFor(result.error));
    return;
  }
  saveTokens(result.data);
  state.purpose = 'link';
  $('reauth-password').hidden = true;
  $('lead').textContent = 'Enter the new number. We will text it a code.';
  const then = state.afterReauth;
  state.afterReauth = null;
  if (then) await then();
}

export async function linkPhone(verificationId: string): Promise<void> {
  const linked = await authed('POST', '/api/account/phone', phoneChangedSchema, { verificationId });
  if (!linked.ok) {
    if (linked.error.code === 'account.reauthentication_required') {
      // The new number's code stays valid: use it again once the user is confirmed.
      await reauthenticate(() => linkPhone(verificationId));
      return;
    }
    showError(messageFor(linked.error));
    return;
  }
  state.account.phone = linked.data.phone;
  $('account-phone').textContent = linked.data.phone;
  $('lead').textContent = 'You are signed in.';
  show(null);
  showStatus(`Your phone number is now ${linked.data.phone}. Your other devices were signed out.`);
}

export async function showAccount(): Promise<void> {
  const result = await authed('GET', '/api/account', accountSchema);
  if (!result.ok) {
    clearTokens();
    location.replace('/sign-in');
    return;
  }
  state.account = { phone: result.data.phone, hasPassword: result.data.hasPassword };
  $('account-phone').textContent = result.data.phone;
  $('account').hidden = false;
}

export async function signOut(): Promise<void> {
  const tokens = loadTokens();
  if (tokens) await api('POST', '/api/token/revoke', noContentSchema, { token: tokens.refreshToken });
  clearTokens();
  location.assign('/sign-in?signed-out');
}
