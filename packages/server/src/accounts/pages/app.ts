// The hosted sign-in pages: plain DOM, no framework, so a page is one small script. Every request
// goes through client.ts (the Experience and Account APIs of the same origin, answers checked
// against the shared schemas); the settings the script needs are rendered into data attributes.
// This file wires the page's events; each step and page has a module of its own.
import { showAccount, signOut } from './account-page.ts';
import { onCodeInput, onCodePaste, onCodeSubmit } from './code-step.ts';
import { $, busy, button, clearMessages, form, input, report, show, showError, showStatus } from './dom.ts';
import { setUpInteractionLinks, showConsent } from './interaction.ts';
import { flow, interaction, settings, state } from './page-state.ts';
import { onPasswordSubmit } from './password-step.ts';
import { selectDefaultCountry, updateDialCode } from './phone-number.ts';
import { onPhoneSubmit, startChangingNumber } from './phone-step.ts';
import { sendCode } from './send-code.ts';
import { setMode } from './sign-in.ts';

function start(): void {
  selectDefaultCountry();
  $('country').addEventListener('change', updateDialCode);
  form('phone-step').addEventListener('submit', (event) => onPhoneSubmit(event).catch(report));
  form('code-step').addEventListener('submit', (event) => onCodeSubmit(event).catch(report));
  form('password-step').addEventListener('submit', (event) => onPasswordSubmit(event).catch(report));
  input('code').addEventListener('input', onCodeInput);
  input('code').addEventListener('paste', onCodePaste);
  button('resend').addEventListener('click', () => {
    clearMessages();
    busy(form('code-step'), () => sendCode(button('resend'), 'Resend code', { resend: true })).catch(report);
  });
  button('change-number').addEventListener('click', () => {
    clearMessages();
    startChangingNumber();
  });

  if (flow === 'message') return;
  if (interaction.uid) setUpInteractionLinks();
  if (flow === 'consent') {
    showConsent();
    return;
  }

  if (flow === 'account') {
    button('change-phone').addEventListener('click', () => {
      clearMessages();
      startChangingNumber();
    });
    button('reauth-password').addEventListener('click', () => {
      clearMessages();
      $('new-password-label').textContent = 'Your password';
      $('new-password-hint').textContent = 'The password you sign in with.';
      input('new-password').autocomplete = 'current-password';
      input('new-password').value = '';
      button('password-submit').textContent = 'Confirm';
      show('password-step');
    });
    button('sign-out').addEventListener('click', () => {
      signOut().catch(report);
    });
    showAccount().catch(report);
    return;
  }

  $('link-sign-in').hidden = flow === 'sign-in';
  if (flow === 'forgot-password') $('link-sign-in').textContent = 'Back to sign in';
  $('link-register').hidden = flow === 'register' || !settings.signUp;
  $('link-forgot').hidden = flow !== 'sign-in' || !settings.password;

  const disabled =
    (flow === 'register' && !settings.signUp) ||
    (flow === 'forgot-password' && !settings.password) ||
    (flow === 'sign-in' && !settings.phoneSignIn && !settings.password);
  if (disabled) {
    showError(
      flow === 'register'
        ? 'Creating new accounts is turned off.'
        : flow === 'forgot-password'
          ? 'Passwords are turned off.'
          : 'Signing in is turned off.',
    );
    return;
  }
  if (flow === 'sign-in') {
    button('mode-toggle').hidden = !(settings.password && settings.phoneSignIn);
    button('mode-toggle').addEventListener('click', () => setMode(state.mode === 'code' ? 'password' : 'code'));
    setMode(state.mode);
    if (new URLSearchParams(location.search).has('signed-out')) showStatus('You are signed out.');
  }
  show('phone-step');
}

start();
