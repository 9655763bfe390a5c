// A server-side web app that signs its users in with Passline over OpenID Connect: the
// authorization code flow with PKCE, through openid-client. Passline asks for the phone number and
// the SMS code; this app only ever sees the result, an ID token with the user's verified number.
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import * as client from 'openid-client';

const cookieName = 'example_session';
/** How long a started sign-in may take (the user types a number, waits for an SMS, types the code). */
const loginMs = 10 * 60 * 1000;
/** How long this app keeps a user signed in. Its own choice: the ID token only proves the sign-in. */
const signedInMs = 8 * 60 * 60 * 1000;

/**
 * The app, not yet listening. Options: `issuer` (Passline's PASSLINE_PUBLIC_URL), `clientId` and
 * `clientSecret` (from Passline's Applications page), `appUrl` (where this app is reached; its
 * `/callback` is the redirect URI and `/` the post-logout redirect URI registered in Passline).
 */
export async function buildApp({ issuer, clientId, clientSecret, appUrl, logger = false }) {
  const base = new URL(appUrl);
  const redirectUri = new URL('/callback', base).href;
  const postLogoutRedirectUri = new URL('/', base).href;

  // Discovery reads Passline's endpoints from /.well-known/openid-configuration. Passline registers
  // web apps for client_secret_basic (the client id and secret as HTTP Basic), so send it that way.
  const config = await client.discovery(
    new URL(issuer),
    clientId,
    undefined,
    client.ClientSecretBasic(clientSecret),
    // openid-client refuses plain http. A local Passline without PASSLINE_PUBLIC_URL is
    // http://localhost:3000, so allow it for an http:// issuer only; a real one is always https.
    new URL(issuer).protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined,
  );

  // Sessions in memory, keyed by a random id in an HttpOnly cookie: enough for one process. Run
  // several instances? Keep them in a shared store (Redis, your database) instead.
  // id → { expiresAt, login?: { verifier, state } while signing in, user?: { sub, phone, idToken } after }
  const sessions = new Map();
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [id, session] of sessions) if (session.expiresAt <= now) sessions.delete(id);
  }, 60_000);
  sweep.unref();

  const secure = base.protocol === 'https:';
  const cookie = (value, maxAgeMs) =>
    `${cookieName}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${Math.floor(maxAgeMs / 1000)}${secure ? '; Secure' : ''}`;

  /** The session behind the request's cookie, if it is known and current. */
  function sessionOf(request) {
    for (const part of (request.headers.cookie ?? '').split(';')) {
      const [name, value] = part.trim().split('=');
      if (name !== cookieName || !value) continue;
      const session = sessions.get(value);
      if (session && session.expiresAt > Date.now()) return { id: value, session };
    }
    return undefined;
  }

  /** A new session under a new id (never reuse the id from before a sign-in: session fixation). */
  function startSession(reply, previous, session) {
    if (previous) sessions.delete(previous.id);
    const id = randomBytes(32).toString('base64url');
    sessions.set(id, session);
    reply.header('set-cookie', cookie(id, session.expiresAt - Date.now()));
  }

  const app = Fastify({ logger });
  app.addHook('onClose', async () => clearInterval(sweep));
  // The sign-out button posts an empty form.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, _body, done) =>
    done(null, {}),
  );

  const page = (reply, status, body) =>
    reply
      .status(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(`<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Example app</title></head>
<body>${body}</body></html>\n`);
  /** A one-line page with a way (back) to sign in; `text` is HTML, escape what it quotes. */
  const message = (reply, status, text, link = 'Sign in with your phone') =>
    page(reply, status, `<p id="status">${text}</p><p><a href="/login">${link}</a></p>`);

  app.get('/', async (request, reply) => {
    const user = sessionOf(request)?.session.user;
    if (!user) return message(reply, 200, 'You are not signed in.');
    return page(
      reply,
      200,
      `<p id="status">Signed in as <strong id="phone">${escapeHtml(user.phone)}</strong></p>
<form method="post" action="/logout"><button type="submit">Sign out</button></form>`,
    );
  });

  app.get('/login', async (request, reply) => {
    // PKCE: the code is worthless without this verifier, which never leaves this server.
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    startSession(reply, sessionOf(request), { expiresAt: Date.now() + loginMs, login: { verifier, state } });
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid phone',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    return reply.redirect(url.href);
  });

  app.get('/callback', async (request, reply) => {
    const current = sessionOf(request);
    const login = current?.session.login;
    if (!current || !login) {
      return message(reply, 400, 'This sign-in has expired or began in another browser.', 'Sign in again');
    }
    sessions.delete(current.id); // a started sign-in is used once, whatever its outcome
    let tokens;
    let claims;
    try {
      // Checks the state and the issuer, exchanges the code (with the verifier and the client
      // secret) and validates the ID token. The URL is rebuilt from appUrl, never from the Host header.
      tokens = await client.authorizationCodeGrant(config, new URL(request.url, base), {
        pkceCodeVerifier: login.verifier,
        expectedState: login.state,
      });
      claims = tokens.claims();
      if (!claims) throw new Error('no ID token in the token response');
    } catch (error) {
      reply.header('set-cookie', cookie('', 0));
      if (error instanceof client.AuthorizationResponseError) {
        // Cancel on Passline's page (or Deny on a consent screen) comes back as access_denied.
        if (error.error === 'access_denied') return message(reply, 200, 'Sign-in cancelled.');
        return message(reply, 400, `Sign-in failed (${escapeHtml(error.error)}).`, 'Try again');
      }
      // The token endpoint refused (invalid_grant: a used or expired code; invalid_client: a wrong
      // secret), or Passline could not be reached.
      request.log.warn({ err: error }, 'sign-in failed');
      const code = typeof error?.error === 'string' ? error.error : 'unexpected';
      return message(reply, 502, `Sign-in failed (${escapeHtml(code)}).`, 'Try again');
    }
    startSession(reply, undefined, {
      expiresAt: Date.now() + signedInMs,
      user: { sub: claims.sub, phone: String(claims.phone_number), idToken: tokens.id_token },
    });
    return reply.redirect('/', 303);
  });

  app.post('/logout', async (request, reply) => {
    const current = sessionOf(request);
    if (current) sessions.delete(current.id);
    reply.header('set-cookie', cookie('', 0));
    const idToken = current?.session.user?.idToken;
    if (!idToken) return reply.redirect('/', 303);
    // Also sign out of Passline itself (RP-initiated logout): Passline asks the user, then sends
    // the browser back to this registered post-logout redirect URI.
    const url = client.buildEndSessionUrl(config, {
      id_token_hint: idToken,
      post_logout_redirect_uri: postLogoutRedirectUri,
    });
    return reply.redirect(url.href, 303);
  });

  return app;
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
