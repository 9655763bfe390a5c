// The hosted sign-in pages: plain DOM, no framework, so a page is one small script. Every request
// goes through client.ts (the Experience and Account APIs of the same origin, answers checked
// against the shared schemas); the settings the script needs are rendered into data attributes.
import {
  accountSchema,
  noContentSchema,
  phoneChangedSchema,
  sentCodeSchema,
  type TokenSet,
  tokenSetSchema,
  verifiedCodeSchema,
} from '@passline/contracts';
import { api, authed, clearTokens, loadTokens, type Result, saveTokens } from './client.ts';
import { messageFor } from './messages.ts';

/** The page's element with this id; the page template has them all. */
function $<Element extends HTMLElement = HTMLElement>(id: string): Element {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as Element;
}
const input = (id: string) => $<HTMLInputElement>(id);
const button = (id: string) => $<HTMLButtonElement>(id);
const form = (id: string) => $<HTMLFormElement>(id);

type Flow = 'sign-in' | 'register' | 'forgot-password' | 'account';
type Step = 'phone-step' | 'code-step' | 'password-step' | 'done';

const data = document.body.dataset;
const flow = data.flow as Flow;
const settings = {
  phoneSignIn: data.phoneSignIn === 'true',
  signUp: data.signUp === 'true',
  password: data.password === 'true',
  codeLength: Number(data.codeLength) || 6,
  resendCooldown: Number(data.resendCooldown) || 0,
};
const eventOf = { register: 'Register', 'sign-in': 'SignIn', 'forgot-password': 'ForgotPassword' } as const;
const state = {
  phone: '',
  verificationId: '',
  mode: (settings.phoneSignIn ? 'code' : 'password') as 'code' | 'password',
  busy: false,
  // The account page: the signed-in number, and whether the code step re-authenticates ('reauth')
  // or proves the new number ('link'). `afterReauth` resumes what the re-authentication interrupted.
  account: { phone: '', hasPassword: false },
  purpose: 'link' as 'link' | 'reauth',
  afterReauth: null as (() => Promise<unknown>) | null,
  // Codes already checked for the current verification, with the answer shown for each: a code is
  // submitted once, however it is submitted again (full length, Enter, Continue).
  triedCodes: new Map<string, string>(),
};

// ---- messages ----

function showError(text: string): void {
  $('status').hidden = true;
  $('error').textContent = text;
  $('error').hidden = false;
}

function showStatus(text: string): void {
  $('error').hidden = true;
  $('status').textContent = text;
  $('status').hidden = false;
}

function clearMessages(): void {
  $('error').hidden = true;
  $('status').hidden = true;
}

// ---- steps ----

const steps: Step[] = ['phone-step', 'code-step', 'password-step', 'done'];

function show(step: Step | null): void {
  for (const id of steps) $(id).hidden = id !== step;
  const first = step && $(step).querySelector<HTMLElement>('input:not([type=hidden]), a.button');
  if (first && first.offsetParent !== null) first.focus();
}

/** Disables `target` and counts down on it; it comes back with `label` at zero. */
const timers = new Map<HTMLButtonElement, ReturnType<typeof setInterval>>();
function countdown(target: HTMLButtonElement, seconds: number, label: string): void {
  clearInterval(timers.get(target));
  let left = Math.ceil(seconds);
  const tick = () => {
    if (left <= 0) {
      clearInterval(timers.get(target));
      target.disabled = false;
      target.textContent = label;
      return;
    }
    target.disabled = true;
    target.textContent = `${label} in ${left} s`;
    left -= 1;
  };
  tick();
  timers.set(target, setInterval(tick, 1000));
}

/** One request at a time per page; the form says it is busy while it waits. */
async function busy(step: HTMLElement, work: () => Promise<unknown>): Promise<void> {
  if (state.busy) return;
  state.busy = true;
  step.setAttribute('aria-busy', 'true');
  try {
    await work();
  } finally {
    state.busy = false;
    step.removeAttribute('aria-busy');
  }
}

// ---- the phone number ----

function selectDefaultCountry(): void {
  const regions = (navigator.languages ?? [navigator.language])
    .map((locale) => locale.split('-')[1]?.toUpperCase())
    .filter((region): region is string => Boolean(region));
  const select = $<HTMLSelectElement>('country');
  const match = regions.find((region) => select.querySelector(`option[value="${region}"]`));
  select.value = match ?? 'US';
  updateDialCode();
}

function updateDialCode(): void {
  const option = $<HTMLSelectElement>('country').selectedOptions[0];
  $('dial-code').textContent = option ? `+${option.dataset.dial}` : '+';
}

/**
 * An E.164 number spaced for reading: the country code (the longest one the country list knows),
 * then the national number in groups of three, the last group taking a lone digit.
 */
function formatPhone(e164: string): string {
  const digits = e164.replace(/\D/g, '');
  const dials = new Set([...$<HTMLSelectElement>('country').options].map((option) => option.dataset.dial));
  const dialLength = [3, 2, 1].find((length) => dials.has(digits.slice(0, length))) ?? 1;
  const national = digits.slice(dialLength);
  const groups: string[] = [...(national.match(/\d{1,3}/g) ?? [])];
  const last = groups.at(-1);
  if (groups.length > 1 && last?.length === 1) {
    // Ten digits read 3-3-4, not 3-3-3-1.
    groups.pop();
    groups.push(`${groups.pop() ?? ''}${last}`);
  }
  return `+${digits.slice(0, dialLength)} ${groups.join(' ')}`.trim();
}

/** The number in international form: typed with + (or 00), or the national number after the selected country code. */
function fullNumber(): string {
  const raw = input('phone').value.trim();
  if (raw.startsWith('+')) return `+${raw.slice(1).replace(/\D/g, '')}`;
  if (raw.startsWith('00')) return `+${raw.slice(2).replace(/\D/g, '')}`;
  const option = $<HTMLSelectElement>('country').selectedOptions[0];
  let digits = raw.replace(/\D/g, '');
  // The national trunk prefix 0 is dropped in international form, except where it is part of the number.
  if (!['IT', 'SM', 'VA'].includes(option?.value ?? '')) digits = digits.replace(/^0+/, '');
  return `+${option?.dataset.dial ?? ''}${digits}`;
}

// ---- the flows ----

function requestCode() {
  if (flow !== 'account') {
    return api('POST', '/api/experience/verification-code', sentCodeSchema, {
      phone: state.phone,
      event: eventOf[flow],
    });
  }
  if (state.purpose === 'reauth') {
    return authed('POST', '/api/account/reauthentication/verification-code', sentCodeSchema, {});
  }
  return authed('POST', '/api/account/phone/verification-code', sentCodeSchema, { phone: state.phone });
}

async function sendCode(target: HTMLButtonElement, label: string, { resend = false } = {}): Promise<boolean> {
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

function finishSignIn(result: Result<TokenSet>): void {
  if (!result.ok) {
    showError(messageFor(result.error));
    return;
  }
  saveTokens(result.data);
  location.assign('/account');
}

/**
 * Changing the number needs a recent sign-in: the server says so with
 * account.reauthentication_required. The page then proves the user again (a code to the current
 * number, or the password) and resumes with `then`.
 */
function reauthenticate(then: () => Promise<unknown>): Promise<boolean> {
  state.purpose = 'reauth';
  state.afterReauth = then;
  $('lead').textContent = 'For your security, first confirm it is you with a code sent to your current number.';
  $('reauth-password').hidden = !(settings.password && state.account.hasPassword);
  return sendCode(button('resend'), 'Resend code');
}

async function finishReauthentication(result: Result<TokenSet>): Promise<void> {
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

async function linkPhone(verificationId: string): Promise<void> {
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

async function onPhoneSubmit(event: SubmitEvent): Promise<void> {
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
      const result = await api('POST', '/api/experience/sign-in/password', tokenSetSchema, {
        phone: state.phone,
        password,
      });
      if (!result.ok && result.error.status === 429 && result.error.retryAfterSeconds) {
        countdown(button('phone-submit'), result.error.retryAfterSeconds, 'Sign in');
      }
      finishSignIn(result);
      return;
    }
    await sendCode(button('phone-submit'), 'Send code');
  });
}

async function onCodeSubmit(event: SubmitEvent): Promise<void> {
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
      finishSignIn(await api('POST', '/api/experience/sign-in', tokenSetSchema, { verificationId }));
    } else if (flow === 'register') {
      if (settings.password) {
        $('new-password-label').textContent = 'Choose a password (optional)';
        $('new-password-hint').textContent = 'At least 8 characters. Leave empty to always sign in with a code.';
        button('password-submit').textContent = 'Create account';
        show('password-step');
      } else {
        finishSignIn(await api('POST', '/api/experience/register', tokenSetSchema, { verificationId }));
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

async function onPasswordSubmit(event: SubmitEvent): Promise<void> {
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
      finishSignIn(await api('POST', '/api/experience/register', tokenSetSchema, body));
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

function onCodeInput(): void {
  const field = input('code');
  const digits = field.value.replace(/\D/g, '').slice(0, settings.codeLength);
  if (digits !== field.value) field.value = digits;
  if (digits.length === settings.codeLength && !state.busy) form('code-step').requestSubmit();
}

/** A pasted message ("Your code is 123 456.") keeps its digits only. */
function onCodePaste(event: ClipboardEvent): void {
  const text = event.clipboardData?.getData('text') ?? '';
  event.preventDefault();
  input('code').value = text.replace(/\D/g, '').slice(0, settings.codeLength);
  onCodeInput();
}

function setMode(mode: 'code' | 'password'): void {
  state.mode = mode;
  const password = mode === 'password';
  $('password-row').hidden = !password;
  button('phone-submit').textContent = password ? 'Sign in' : 'Send code';
  button('mode-toggle').textContent = password ? 'Sign in with a code instead' : 'Sign in with a password instead';
  $('lead').textContent = password
    ? 'Sign in with your phone number and password.'
    : 'Sign in with a code we text to your phone.';
}

async function showAccount(): Promise<void> {
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

async function signOut(): Promise<void> {
  const tokens = loadTokens();
  if (tokens) await api('POST', '/api/token/revoke', noContentSchema, { token: tokens.refreshToken });
  clearTokens();
  location.assign('/sign-in?signed-out');
}

function startChangingNumber(): void {
  if (flow === 'account') {
    state.purpose = 'link';
    state.afterReauth = null;
    $('reauth-password').hidden = true;
    $('lead').textContent = 'Enter the new number. We will text it a code.';
  }
  show('phone-step');
}

/** Shown when an answer could not be handled at all (a bug, not a refusal): the page says so. */
function report(error: unknown): void {
  console.error(error);
  showError('Something went wrong. Please try again.');
}

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
