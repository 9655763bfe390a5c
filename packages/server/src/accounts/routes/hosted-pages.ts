import { readFileSync } from 'node:fs';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { getCountries, getCountryCallingCode } from 'libphonenumber-js/max';
import type { SettingsService } from '../../services/settings-service.ts';
import type { SignInExperienceSettings } from '../sign-in-experience-settings.ts';

const pagesDir = new URL('../pages/', import.meta.url);
// The script is TypeScript (pages/app.ts), compiled by scripts/build-hosted-pages.mjs.
const builtScript = new URL('../../../dist/hosted/app.js', import.meta.url);
const template = readFileSync(new URL('page.html', pagesDir), 'utf8');

function readBuiltScript(): string {
  try {
    return readFileSync(builtScript, 'utf8');
  } catch {
    throw new Error(
      'The hosted pages script packages/server/dist/hosted/app.js is not built: run npm run build (npm start and passline build it when missing).',
    );
  }
}

// The pages load nothing but their own script and style sheet, and may not be framed (clickjacking
// a sign-in form is a classic).
const securityHeaders = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** The pages: the four flows, and two that only OpenID Connect interactions show. */
export type HostedFlow = 'sign-in' | 'register' | 'forgot-password' | 'account' | 'consent' | 'message';
type Flow = 'sign-in' | 'register' | 'forgot-password' | 'account';

export const hostedFlows: Record<Flow, { path: string; title: string; lead: string }> = {
  'sign-in': { path: '/sign-in', title: 'Sign in', lead: 'Sign in with a code we text to your phone.' },
  register: {
    path: '/register',
    title: 'Create an account',
    lead: 'We will text you a code to check the number is yours.',
  },
  'forgot-password': {
    path: '/forgot-password',
    title: 'Reset your password',
    lead: 'We will text a code to the phone number of your account.',
  },
  account: { path: '/account', title: 'Your account', lead: 'You are signed in.' },
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** Every country libphonenumber knows, by English name, with its calling code; built once. */
const countryOptions = (() => {
  const names = new Intl.DisplayNames(['en'], { type: 'region' });
  return getCountries()
    .map((country) => ({ country, name: names.of(country) ?? country, dial: getCountryCallingCode(country) }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en'))
    .map(
      ({ country, name, dial }) =>
        `<option value="${country}" data-dial="${dial}">${escapeHtml(name)} (+${dial})</option>`,
    )
    .join('');
})();

/** What an OpenID Connect interaction adds to a page: where its steps post, and for whom. */
export interface InteractionView {
  uid: string;
  clientName: string;
  /** The scopes a consent page asks for. */
  scopes?: string[];
}

export type HostedPageRenderer = ReturnType<typeof createHostedPageRenderer>;

/**
 * The hosted sign-in pages: one HTML shell per flow, a small plain-DOM script and a style sheet.
 * The settings the script needs (which flows are on, code length, resend cooldown) are
 * rendered into data attributes, so a page needs no extra request before it can be used.
 */
export function createHostedPageRenderer(deps: {
  signInExperience: SignInExperienceSettings;
  verificationSettings: SettingsService;
}) {
  return async function render(
    reply: FastifyReply,
    flow: HostedFlow,
    page: { title: string; lead: string; interaction?: InteractionView; status?: number },
  ): Promise<FastifyReply> {
    const [experience, verification] = await Promise.all([
      deps.signInExperience.get(),
      deps.verificationSettings.getVerificationSettings(),
    ]);
    const values: Record<string, string> = {
      flow,
      title: page.title,
      lead: page.lead,
      phoneSignIn: String(experience.phoneSignIn),
      signUp: String(experience.signUp),
      password: String(experience.password),
      codeLength: String(verification.codeLength),
      resendCooldown: String(verification.resendCooldownSeconds),
      interaction: page.interaction?.uid ?? '',
      clientName: page.interaction?.clientName ?? '',
      scopes: page.interaction?.scopes?.join(' ') ?? '',
    };
    const html = template
      .replace(/\{\{(\w+)\}\}/g, (_match, name: string) => escapeHtml(values[name] ?? ''))
      .replace('<!--countries-->', countryOptions);
    return reply
      .status(page.status ?? 200)
      .headers({ ...securityHeaders, 'cache-control': 'no-store' })
      .type('text/html; charset=utf-8')
      .send(html);
  };
}

/** The pages at their own paths (/sign-in, /register, ...) and their script and style sheet. */
export function hostedPageRoutes(deps: { render: HostedPageRenderer }): FastifyPluginAsyncZod {
  const assets = {
    'app.js': { body: readBuiltScript(), type: 'text/javascript; charset=utf-8' },
    'style.css': { body: readFileSync(new URL('style.css', pagesDir), 'utf8'), type: 'text/css; charset=utf-8' },
  };
  return async (app) => {
    for (const [flow, page] of Object.entries(hostedFlows) as Array<[Flow, (typeof hostedFlows)[Flow]]>) {
      app.get(page.path, { schema: { hide: true } }, async (_request, reply) => deps.render(reply, flow, page));
    }

    for (const [name, asset] of Object.entries(assets)) {
      app.get(`/hosted/${name}`, { schema: { hide: true } }, async (_request, reply) =>
        reply
          .headers({ 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' })
          .type(asset.type)
          .send(asset.body),
      );
    }
  };
}
