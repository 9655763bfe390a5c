// The hosted sign-in pages: plain browser JavaScript, no build step. Every request goes to the
// Experience API of the same origin; tokens live in sessionStorage for this tab only.

const $ = (id) => document.getElementById(id);
const data = document.body.dataset;
const flow = data.flow;
const settings = {
  phoneSignIn: data.phoneSignIn === 'true',
  signUp: data.signUp === 'true',
  password: data.password === 'true',
  codeLength: Number(data.codeLength) || 6,
  resendCooldown: Number(data.resendCooldown) || 0,
};
const eventOf = { register: 'Register', 'sign-in': 'SignIn', 'forgot-password': 'ForgotPassword' };
const state = {
  phone: '',
  verificationId: '',
  mode: settings.phoneSignIn ? 'code' : 'password',
  busy: false,
  // The account page: the signed-in number, and whether the code step re-authenticates ('reauth')
  // or proves the new number ('link'). `afterReauth` resumes what the re-authentication interrupted.
  account: { phone: '', hasPassword: false },
  purpose: 'link',
  afterReauth: null,
  // Codes already checked for the current verification, with the answer shown for each: a code is
  // submitted once, however it is submitted again (full length, Enter, Continue).
  triedCodes: new Map(),
};
const tokenKey = 'passline.tokens';

// ---- talking to the server ----

async function api(method, path, body, accessToken) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    return { ok: false, status: 0, error: { code: 'network' } };
  }
  const retryAfter = Number(response.headers.get('retry-after')) || undefined;
  const payload = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.ok) return { ok: true, status: response.status, data: payload };
  return { ok: false, status: response.status, error: payload?.error ?? { code: 'unknown' }, retryAfter };
}

const loadTokens = () => JSON.parse(sessionStorage.getItem(tokenKey) ?? 'null');
const saveTokens = (tokens) =>
  sessionStorage.setItem(
    tokenKey,
    JSON.stringify({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken }),
  );
const clearTokens = () => sessionStorage.removeItem(tokenKey);

/** A request with the access token; one refresh (the refresh token rotates) when it has expired. */
async function authed(method, path, body) {
  const tokens = loadTokens();
  if (!tokens) return { ok: false, status: 401, error: { code: 'auth.invalid_token' } };
  const result = await api(method, path, body, tokens.accessToken);
  if (result.status !== 401) return result;
  const refreshed = await api('POST', '/api/token', {
    grant_type: 'refresh_token',
    refresh_token: tokens.refreshToken,
  });
  if (!refreshed.ok) return result;
  saveTokens(refreshed.data);
  return api(method, path, body, refreshed.data.accessToken);
}

// ---- messages ----

function formatWait(seconds) {
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.ceil(seconds / 60);
  return minutes < 90 ? `${minutes} min` : `${Math.ceil(minutes / 60)} h`;
}

function messageFor(error, retryAfter) {
  const wait = retryAfter ? formatWait(retryAfter) : 'a little while';
  switch (error.code) {
    case 'phone.invalid':
      return 'That does not look like a valid phone number. Check the country and the number.';
    case 'verification.code_mismatch': {
      const left = error.details?.remainingAttempts;
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
    case 'experience.registration_disabled':
      return 'Creating new accounts is turned off.';
    case 'experience.phone_sign_in_disabled':
      return 'Signing in with a code is turned off. Sign in with your password.';
    case 'experience.password_disabled':
      return 'Passwords are turned off.';
    case 'request.invalid':
      if (error.details?.issues?.some((issue) => issue.path.includes('password'))) {
        return 'Choose a password of at least 8 characters.';
      }
      return 'Check what you typed and try again.';
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

function showError(text) {
  $('status').hidden = true;
  $('error').textContent = text;
  $('error').hidden = false;
}

function showStatus(text) {
  $('error').hidden = true;
  $('status').textContent = text;
  $('status').hidden = false;
}

function clearMessages() {
  $('error').hidden = true;
  $('status').hidden = true;
}

// ---- steps ----

const steps = ['phone-step', 'code-step', 'password-step', 'done'];

function show(step) {
  for (const id of steps) $(id).hidden = id !== step;
  const first = step && $(step).querySelector('input:not([type=hidden]), a.button');
  if (first && first.offsetParent !== null) first.focus();
}

/** Disables `button` and counts down on it; it comes back with `label` at zero. */
const timers = new Map();
function countdown(button, seconds, label) {
  clearInterval(timers.get(button));
  let left = Math.ceil(seconds);
  const tick = () => {
    if (left <= 0) {
      clearInterval(timers.get(button));
      button.disabled = false;
      button.textContent = label;
      return;
    }
    button.disabled = true;
    button.textContent = `${label} in ${left} s`;
    left -= 1;
  };
  tick();
  timers.set(button, setInterval(tick, 1000));
}

/** One request at a time per page; the form says it is busy while it waits. */
async function busy(form, work) {
  if (state.busy) return;
  state.busy = true;
  form.setAttribute('aria-busy', 'true');
  try {
    await work();
  } finally {
    state.busy = false;
    form.removeAttribute('aria-busy');
  }
}

// ---- the phone number ----

function selectDefaultCountry() {
  const regions = (navigator.languages ?? [navigator.language])
    .map((locale) => locale.split('-')[1]?.toUpperCase())
    .filter(Boolean);
  const select = $('country');
  const match = regions.find((region) => select.querySelector(`option[value="${region}"]`));
  select.value = match ?? 'US';
  updateDialCode();
}

function updateDialCode() {
  const option = $('country').selectedOptions[0];
  $('dial-code').textContent = option ? `+${option.dataset.dial}` : '+';
}

/**
 * An E.164 number spaced for reading: the country code (the longest one the country list knows),
 * then the national number in groups of three, the last group taking a lone digit.
 */
function formatPhone(e164) {
  const digits = e164.replace(/\D/g, '');
  const dials = new Set([...$('country').options].map((option) => option.dataset.dial));
  const dialLength = [3, 2, 1].find((length) => dials.has(digits.slice(0, length))) ?? 1;
  const national = digits.slice(dialLength);
  const groups = national.match(/\d{1,3}/g) ?? [];
  if (groups.length > 1 && groups.at(-1).length === 1) {
    // Ten digits read 3-3-4, not 3-3-3-1.
    const last = groups.pop();
    groups.push(groups.pop() + last);
  }
  return `+${digits.slice(0, dialLength)} ${groups.join(' ')}`.trim();
}

/** The number in international form: typed with + (or 00), or the national number after the selected country code. */
function fullNumber() {
  const raw = $('phone').value.trim();
  if (raw.startsWith('+')) return `+${raw.slice(1).replace(/\D/g, '')}`;
  if (raw.startsWith('00')) return `+${raw.slice(2).replace(/\D/g, '')}`;
  const option = $('country').selectedOptions[0];
  let digits = raw.replace(/\D/g, '');
  // The national trunk prefix 0 is dropped in international form, except where it is part of the number.
  if (!['IT', 'SM', 'VA'].includes(option.value)) digits = digits.replace(/^0+/, '');
  return `+${option.dataset.dial}${digits}`;
}

// ---- the flows ----

function requestCode() {
  if (flow !== 'account') {
    return api('POST', '/api/experience/verification-code', { phone: state.phone, event: eventOf[flow] });
  }
  if (state.purpose === 'reauth') return authed('POST', '/api/account/reauthentication/verification-code', {});
  return authed('POST', '/api/account/phone/verification-code', { phone: state.phone });
}

async function sendCode(button, label, { resend = false } = {}) {
  const result = await requestCode();
  if (!result.ok) {
    if (result.error.code === 'account.reauthentication_required') {
      return reauthenticate(() => sendCode($('resend'), 'Resend code'));
    }
    showError(messageFor(result.error, result.retryAfter));
    if (result.status === 429 && result.retryAfter) countdown(button, result.retryAfter, label);
    return false;
  }
  state.verificationId = result.data.verificationId;
  state.triedCodes = new Map();
  const target = flow === 'account' && state.purpose === 'reauth' ? state.account.phone : state.phone;
  // The step itself says where the code went; the status line does not repeat the number.
  $('code-target').textContent = formatPhone(target);
  $('code').value = '';
  show('code-step');
  if (resend) showStatus('We sent a new code.');
  else clearMessages();
  if (settings.resendCooldown > 0) countdown($('resend'), settings.resendCooldown, 'Resend code');
  return true;
}

async function finishSignIn(result) {
  if (!result.ok) {
    showError(messageFor(result.error, result.retryAfter));
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
function reauthenticate(then) {
  state.purpose = 'reauth';
  state.afterReauth = then;
  $('lead').textContent = 'For your security, first confirm it is you with a code sent to your current number.';
  $('reauth-password').hidden = !(settings.password && state.account.hasPassword);
  return sendCode($('resend'), 'Resend code');
}

async function finishReauthentication(result) {
  if (!result.ok) {
    showError(messageFor(result.error, result.retryAfter));
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

async function linkPhone(verificationId) {
  const linked = await authed('POST', '/api/account/phone', { verificationId });
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

async function onPhoneSubmit(event) {
  event.preventDefault();
  clearMessages();
  if (!$('phone').value.trim()) {
    showError('Enter your phone number.');
    $('phone').focus();
    return;
  }
  state.phone = fullNumber();
  await busy($('phone-step'), async () => {
    if (flow === 'sign-in' && state.mode === 'password') {
      const password = $('password').value;
      if (!password) {
        showError('Enter your password.');
        $('password').focus();
        return;
      }
      const result = await api('POST', '/api/experience/sign-in/password', { phone: state.phone, password });
      if (!result.ok && result.status === 429 && result.retryAfter) {
        countdown($('phone-submit'), result.retryAfter, 'Sign in');
      }
      await finishSignIn(result);
      return;
    }
    await sendCode($('phone-submit'), 'Send code');
  });
}

async function onCodeSubmit(event) {
  event.preventDefault();
  const code = $('code').value;
  // The field submits itself at full length; Enter or Continue on the same digits would spend a
  // second attempt on a code the server already refused. Say again what it said instead.
  const answered = state.triedCodes.get(code);
  if (answered !== undefined) {
    showError(answered);
    $('code').select();
    return;
  }
  if (state.busy) return;
  clearMessages();
  if (code.length < 4) {
    showError('Enter the code from the text message.');
    $('code').focus();
    return;
  }
  await busy($('code-step'), async () => {
    const verified = await api('POST', '/api/experience/verification-code/verify', {
      verificationId: state.verificationId,
      code,
    });
    if (!verified.ok) {
      const message = messageFor(verified.error, verified.retryAfter);
      // Only a checked code is remembered: after a network or server error the same code may be tried again.
      if (verified.status >= 400 && verified.status < 500) state.triedCodes.set(code, message);
      showError(message);
      $('code').select();
      return;
    }
    const verificationId = state.verificationId;
    if (flow === 'sign-in') {
      await finishSignIn(await api('POST', '/api/experience/sign-in', { verificationId }));
    } else if (flow === 'register') {
      if (settings.password) {
        $('new-password-label').textContent = 'Choose a password (optional)';
        $('new-password-hint').textContent = 'At least 8 characters. Leave empty to always sign in with a code.';
        $('password-submit').textContent = 'Create account';
        show('password-step');
      } else {
        await finishSignIn(await api('POST', '/api/experience/register', { verificationId }));
      }
    } else if (flow === 'forgot-password') {
      $('new-password-label').textContent = 'New password';
      $('password-submit').textContent = 'Save new password';
      $('new-password').required = true;
      show('password-step');
    } else if (state.purpose === 'reauth') {
      await finishReauthentication(await authed('POST', '/api/account/reauthentication', { verificationId }));
    } else if (flow === 'account') {
      await linkPhone(verificationId);
    }
  });
}

async function onPasswordSubmit(event) {
  event.preventDefault();
  clearMessages();
  const password = $('new-password').value;
  if (flow === 'account') {
    // The account page asks for the current password only, to re-authenticate.
    if (!password) {
      showError('Enter your password.');
      $('new-password').focus();
      return;
    }
    await busy($('password-step'), async () => {
      await finishReauthentication(await authed('POST', '/api/account/reauthentication', { password }));
    });
    return;
  }
  if (password.length > 0 && password.length < 8) {
    showError('Choose a password of at least 8 characters.');
    $('new-password').focus();
    return;
  }
  await busy($('password-step'), async () => {
    const verificationId = state.verificationId;
    if (flow === 'register') {
      const body = password ? { verificationId, password } : { verificationId };
      await finishSignIn(await api('POST', '/api/experience/register', body));
      return;
    }
    if (!password) {
      showError('Enter a new password.');
      $('new-password').focus();
      return;
    }
    const result = await api('POST', '/api/experience/reset-password', { verificationId, password });
    if (!result.ok) {
      showError(messageFor(result.error));
      return;
    }
    clearTokens();
    $('done-text').textContent =
      'Your password was changed, and you were signed out everywhere. Sign in with your new password.';
    document.querySelector('nav.links').hidden = true;
    show('done');
    showStatus('Password changed.');
  });
}

function onCodeInput() {
  const input = $('code');
  const digits = input.value.replace(/\D/g, '').slice(0, settings.codeLength);
  if (digits !== input.value) input.value = digits;
  if (digits.length === settings.codeLength && !state.busy) $('code-step').requestSubmit();
}

/** A pasted message ("Your code is 123 456.") keeps its digits only. */
function onCodePaste(event) {
  const text = event.clipboardData?.getData('text') ?? '';
  event.preventDefault();
  $('code').value = text.replace(/\D/g, '').slice(0, settings.codeLength);
  onCodeInput();
}

function setMode(mode) {
  state.mode = mode;
  const password = mode === 'password';
  $('password-row').hidden = !password;
  $('phone-submit').textContent = password ? 'Sign in' : 'Send code';
  $('mode-toggle').textContent = password ? 'Sign in with a code instead' : 'Sign in with a password instead';
  $('lead').textContent = password
    ? 'Sign in with your phone number and password.'
    : 'Sign in with a code we text to your phone.';
}

async function showAccount() {
  const result = await authed('GET', '/api/account');
  if (!result.ok) {
    clearTokens();
    location.replace('/sign-in');
    return;
  }
  state.account = { phone: result.data.phone, hasPassword: result.data.hasPassword };
  $('account-phone').textContent = result.data.phone;
  $('account').hidden = false;
}

async function signOut() {
  const tokens = loadTokens();
  if (tokens) await api('POST', '/api/token/revoke', { token: tokens.refreshToken });
  clearTokens();
  location.assign('/sign-in?signed-out');
}

function startChangingNumber() {
  if (flow === 'account') {
    state.purpose = 'link';
    state.afterReauth = null;
    $('reauth-password').hidden = true;
    $('lead').textContent = 'Enter the new number. We will text it a code.';
  }
  show('phone-step');
}

function start() {
  selectDefaultCountry();
  $('country').addEventListener('change', updateDialCode);
  $('phone-step').addEventListener('submit', onPhoneSubmit);
  $('code-step').addEventListener('submit', onCodeSubmit);
  $('password-step').addEventListener('submit', onPasswordSubmit);
  $('code').addEventListener('input', onCodeInput);
  $('code').addEventListener('paste', onCodePaste);
  $('resend').addEventListener('click', () => {
    clearMessages();
    // Nothing to await in an event handler, and nothing rejects: api() returns failures as results.
    void busy($('code-step'), () => sendCode($('resend'), 'Resend code', { resend: true }));
  });
  $('change-number').addEventListener('click', () => {
    clearMessages();
    startChangingNumber();
  });

  if (flow === 'account') {
    $('change-phone').addEventListener('click', () => {
      clearMessages();
      startChangingNumber();
    });
    $('reauth-password').addEventListener('click', () => {
      clearMessages();
      $('new-password-label').textContent = 'Your password';
      $('new-password-hint').textContent = 'The password you sign in with.';
      $('new-password').autocomplete = 'current-password';
      $('new-password').value = '';
      $('password-submit').textContent = 'Confirm';
      show('password-step');
    });
    $('sign-out').addEventListener('click', signOut);
    void showAccount();
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
    $('mode-toggle').hidden = !(settings.password && settings.phoneSignIn);
    $('mode-toggle').addEventListener('click', () => setMode(state.mode === 'code' ? 'password' : 'code'));
    setMode(state.mode);
    if (new URLSearchParams(location.search).has('signed-out')) showStatus('You are signed out.');
  }
  show('phone-step');
}

start();
