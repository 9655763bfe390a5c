import { hkdfSync } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Adapter, Configuration, JWK, default as Provider } from 'oidc-provider';
import { findUserById } from '../accounts/queries/users.ts';
import { accessTokenSeconds, refreshTokenMs } from '../accounts/token-service.ts';
import type { KeyRing } from '../crypto/keys.ts';
import type { Database } from '../storage/schema.ts';
import { renderLoggedOut, renderLogoutQuestion, renderOidcError } from './oidc-pages.ts';

/** Where oidc-provider's endpoints live: under /oidc, beside the rest of the API. */
export const oidcRoutes = {
  authorization: '/oidc/auth',
  token: '/oidc/token',
  userinfo: '/oidc/me',
  end_session: '/oidc/session/end',
  revocation: '/oidc/token/revocation',
  introspection: '/oidc/token/introspection',
  // The ES256 keys that also verify the Experience API's access tokens, served by the accounts slice.
  jwks: '/.well-known/jwks.json',
  registration: '/oidc/reg',
  pushed_authorization_request: '/oidc/request',
  code_verification: '/oidc/device',
  device_authorization: '/oidc/device/auth',
  backchannel_authentication: '/oidc/backchannel',
  challenge: '/oidc/challenge',
  credential: '/oidc/credential',
} as const;

/** The path of the interaction (the hosted sign-in page) oidc-provider sends a browser to. */
export const interactionPath = (uid: string) => `/interaction/${uid}`;

const day = 86_400;

/**
 * The cookie-signing keys, derived from the encryption key ring (current first, previous ones still
 * accepted), so that every instance signs alike and nothing more needs configuring.
 */
function cookieKeys(keys: KeyRing): string[] {
  return [keys, ...keys.previous].map((key) =>
    Buffer.from(hkdfSync('sha256', key.codeKey, Buffer.alloc(0), 'passline/oidc-cookies/v1', 32)).toString('base64url'),
  );
}

export interface ProviderDeps {
  db: Kysely<Database>;
  keys: KeyRing;
  adapter: (model: string) => Adapter;
  /** The origins a single-page application may call the token endpoint from: its redirect URIs'. */
  corsAllowed: (origin: string, redirectUris: readonly string[]) => boolean;
}

/**
 * The OpenID Connect provider: authorization code with PKCE, refresh tokens that rotate on every
 * use (a reused one revokes its whole grant), userinfo, revocation and RP-initiated logout. The
 * sign-in itself is the hosted pages, through interactions (interaction-routes.ts).
 */
export async function buildProvider(issuer: string, signingKeys: JWK[], deps: ProviderDeps): Promise<Provider> {
  const configuration: Configuration = {
    adapter: deps.adapter,
    clients: [],
    jwks: { keys: signingKeys },
    async findAccount(_ctx, sub) {
      const user = await findUserById(deps.db, sub);
      // A suspended or deleted user has no account here: their refresh tokens and userinfo fail at once.
      if (!user || user.suspended_at !== null) return undefined;
      return {
        accountId: user.id,
        claims: async () => ({ sub: user.id, phone_number: user.phone, phone_number_verified: true }),
      };
    },
    // oidc-provider's standalone claims (an app asks for them with the claims parameter or max_age),
    // amr among them ("sms" or "pwd"), and the phone scope.
    claims: {
      acr: null,
      amr: null,
      auth_time: null,
      sid: null,
      iss: null,
      openid: ['sub'],
      phone: ['phone_number', 'phone_number_verified'],
    },
    scopes: ['openid', 'phone', 'offline_access'],
    // Apps mostly read the ID token: it carries the phone claims the scopes grant, not only userinfo.
    conformIdTokenClaims: false,
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      id_token_signed_response_alg: 'ES256',
      token_endpoint_auth_method: 'client_secret_basic',
    },
    enabledJWA: { idTokenSigningAlgValues: ['ES256'], userinfoSigningAlgValues: ['ES256'] },
    responseTypes: ['code'],
    rotateRefreshToken: true,
    ttl: {
      AccessToken: accessTokenSeconds,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      Session: 14 * day,
      // Refresh tokens slide (30 days from each rotation, as the Experience API's); a grant, and so
      // a sign-in, lasts a year at most.
      Grant: 365 * day,
      RefreshToken: refreshTokenMs / 1000,
    },
    cookies: {
      keys: cookieKeys(deps.keys),
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },
    interactions: { url: (_ctx, interaction) => interactionPath(interaction.uid) },
    features: {
      devInteractions: { enabled: false },
      // An application may revoke and introspect its own tokens only, never another's.
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      introspection: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => renderLogoutQuestion(ctx, form),
        postLogoutSuccessSource: async (ctx) => renderLoggedOut(ctx),
      },
    },
    clientBasedCORS: (_ctx, origin, client) => deps.corsAllowed(origin, client.redirectUris ?? []),
    renderError: async (ctx, out) => renderOidcError(ctx, out),
    routes: oidcRoutes,
  };
  // Loaded on first use: importing oidc-provider prints a warning on Node.js 20, which CLI commands
  // (that never serve OpenID Connect) should not print.
  const { default: OidcProvider } = await import('oidc-provider');
  const provider = new OidcProvider(issuer, configuration);
  // Every request reaches it through asIssuerRequest, which sets the forwarded headers it reads.
  provider.proxy = true;
  return provider;
}
