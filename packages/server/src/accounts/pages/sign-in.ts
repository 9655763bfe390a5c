// Signing in: keeping the tokens, and the sign-in page's choice between a code and a password.
import type { TokenSet } from '@passline/contracts';
import { type Result, saveTokens } from './client.ts';
import { $, button, showError } from './dom.ts';
import { messageFor } from './messages.ts';
import { state } from './page-state.ts';

export function finishSignIn(result: Result<TokenSet>): void {
  if (!result.ok) {
    showError(messageFor(result.error));
    return;
  }
  saveTokens(result.data);
  location.assign('/account');
}

export function setMode(mode: 'code' | 'password'): void {
  state.mode = mode;
  const password = mode === 'password';
  $('password-row').hidden = !password;
  button('phone-submit').textContent = password ? 'Sign in' : 'Send code';
  button('mode-toggle').textContent = password ? 'Sign in with a code instead' : 'Sign in with a password instead';
  $('lead').textContent = password
    ? 'Sign in with your phone number and password.'
    : 'Sign in with a code we text to your phone.';
}
