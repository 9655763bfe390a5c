// Which page this is, the settings rendered into its data attributes, and what the user has
// done so far.

type Flow = 'sign-in' | 'register' | 'forgot-password' | 'account' | 'consent' | 'message';

const data = document.body.dataset;
export const flow = data.flow as Flow;
export const settings = {
  phoneSignIn: data.phoneSignIn === 'true',
  signUp: data.signUp === 'true',
  password: data.password === 'true',
  codeLength: Number(data.codeLength) || 6,
  resendCooldown: Number(data.resendCooldown) || 0,
};
/** Inside an OpenID Connect sign-in: its id (steps post under /interaction/:uid), the app, the scopes asked for. */
export const interaction = {
  uid: data.interaction ?? '',
  clientName: data.clientName ?? '',
  scopes: (data.scopes ?? '').split(' ').filter(Boolean),
};
export const eventOf = { register: 'Register', 'sign-in': 'SignIn', 'forgot-password': 'ForgotPassword' } as const;
export const state = {
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
