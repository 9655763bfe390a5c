// Signing in: keeping the tokens, and the sign-in page's choice between a code and a password.
import { interactionRedirectSchema, type TokenSet, tokenSetSchema } from '@passline/contracts';
import { api, type Result, saveTokens } from './client.ts';
import { $, button, showError } from './dom.ts';
import { messageFor } from './messages.ts';
import { interaction, state } from './page-state.ts';

/** The steps that end in a signed-in user; the same path under /api/experience and under an interaction. */
export type FinishingStep = 'sign-in' | 'sign-in/password' | 'register';

/**
 * Ends a sign-in: on its own, the page keeps the tokens and shows the account; inside an OpenID
 * Connect interaction, the server records who signed in and the browser returns to the application.
 */
export async function completeSignIn(step: FinishingStep, body: unknown): Promise<Result<unknown>> {
  if (interaction.uid) {
    const result = await api('POST', `/interaction/${interaction.uid}/${step}`, interactionRedirectSchema, body);
    if (result.ok) location.assign(result.data.redirectTo);
    else showError(messageFor(result.error));
    return result;
  }
  const result = await api('POST', `/api/experience/${step}`, tokenSetSchema, body);
  finishSignIn(result);
  return result;
}

function finishSignIn(result: Result<TokenSet>): void {
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
  // Inside an OpenID Connect sign-in the lead names the application instead.
  if (interaction.uid) return;
  $('lead').textContent = password
    ? 'Sign in with your phone number and password.'
    : 'Sign in with a code we text to your phone.';
}
